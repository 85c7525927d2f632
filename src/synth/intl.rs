//! Chat grammar for the non-English conversations (Spanish, French, German, Portuguese,
//! Italian): travel, cooking and study questions, written in each language.

/// (code, language name as written in the `language` field).
pub const LANGUAGES: [(&str, &str); 5] = [
    ("es", "Spanish"),
    ("fr", "French"),
    ("de", "German"),
    ("pt", "Portuguese"),
    ("it", "Italian"),
];

pub const INTL_TOPICS: [&str; 3] = ["travel", "cooking", "study"];

pub const INTL: &[(&str, &str)] = &[
    // ---------- Spanish ----------
    (
        "es.open",
        "¡Claro! Aquí tienes algunas ideas.|¡Buena pregunta! Te explico.|Por supuesto, vamos paso a paso.|\
        Con gusto te ayudo.|Aquí tienes una guía rápida.",
    ),
    (
        "es.close",
        "¿Quieres que lo adapte a tu presupuesto?|Espero que te sirva.|Si me das más detalles, puedo \
        ajustarlo.|¡Mucha suerte!|Avísame si tienes otra pregunta.",
    ),
    ("es.item", "**{S.itemt}**: {S.point}|{S.point}"),
    ("es.itemt", "Consejo|Importante|Primer paso|Ojo|Extra"),
    ("es.head", "Resumen|Pasos|Consejos"),
    (
        "es.follow_generic",
        "gracias, ¿y algo más barato?|¿puedes explicarlo más fácil?|perfecto, muchas gracias|\
        ¿cuánto tiempo se necesita?|¿y si no tengo mucho tiempo?",
    ),
    (
        "es.v_dest",
        "Sevilla|Cusco|Oaxaca|Cartagena|Granada|Buenos Aires|Valparaíso|Bilbao|Málaga|Medellín",
    ),
    (
        "es.v_dish",
        "tortilla de patatas|paella|arroz con leche|empanadas|gazpacho|flan|tamales|croquetas",
    ),
    (
        "es.v_subject",
        "la fotosíntesis|la Revolución Francesa|las ecuaciones de segundo grado|\
        la célula|la independencia de México|el ciclo del agua|los verbos irregulares",
    ),
    (
        "es.travel.ask",
        "¿qué puedo visitar en {$dest} en tres días?|hola, voy a {$dest} en verano, ¿qué me \
        recomiendas?|¿es caro viajar a {$dest}?|¿cuál es la mejor época para ir a {$dest}?|\
        necesito un itinerario para {$dest} con niños",
    ),
    (
        "es.travel.point",
        "Reserva el alojamiento con antelación, sobre todo en temporada alta.|\
        El centro histórico de {$dest} se recorre muy bien a pie.|Prueba la comida local en los mercados; \
        es más barata y auténtica.|Lleva calzado cómodo y una botella de agua.|\
        Consulta los horarios de los museos, porque algunos cierran los lunes.|\
        El transporte público suele ser la opción más económica.",
    ),
    (
        "es.travel.follow",
        "¿y dónde me conviene alojarme?|¿qué restaurantes me recomiendas?|¿es seguro de noche?",
    ),
    (
        "es.cooking.ask",
        "¿cuál es la receta de {$dish}?|dame una receta fácil de {$dish}|¿puedo congelar {$dish}?|\
        mi bizcocho siempre queda seco, ¿qué hago mal?",
    ),
    (
        "es.cooking.point",
        "Usa ingredientes frescos y de temporada.|Precalienta bien la sartén antes de empezar.|\
        No tengas prisa: el fuego medio da mejor resultado.|Prueba y corrige la sal al final.|\
        Deja reposar {$dish} unos minutos antes de servir.|Se conserva dos o tres días en la nevera.",
    ),
    (
        "es.cooking.follow",
        "¿y sin huevo?|¿para cuántas personas es?|¿se puede hacer en el horno?",
    ),
    (
        "es.study.ask",
        "explícame {$subject} de forma sencilla|tengo un examen sobre {$subject}, ¿me ayudas?|\
        resume {$subject} en cinco puntos|no entiendo {$subject}, ¿me lo explicas?",
    ),
    (
        "es.study.point",
        "Empieza por la idea principal y después añade los detalles.|Haz un esquema con las \
        palabras clave.|Explícalo en voz alta como si se lo contaras a un amigo.|\
        Repasa un poco cada día en lugar de estudiar todo la noche anterior.|\
        Busca un ejemplo de la vida real; así se recuerda mejor.",
    ),
    (
        "es.study.follow",
        "¿me haces unas preguntas de práctica?|¿puedes darme un ejemplo?|gracias, ahora lo entiendo",
    ),
    // ---------- French ----------
    (
        "fr.open",
        "Bien sûr ! Voici quelques idées.|Bonne question ! Je vous explique.|Avec plaisir, voyons ça \
        étape par étape.|Voici un petit guide pratique.|Volontiers !",
    ),
    (
        "fr.close",
        "N'hésitez pas si vous avez d'autres questions.|J'espère que cela vous aide.|\
        Voulez-vous une version plus détaillée ?|Bon courage !|Bonne journée !",
    ),
    ("fr.item", "**{S.itemt}** : {S.point}|{S.point}"),
    (
        "fr.itemt",
        "Conseil|À savoir|Première étape|Attention|Astuce",
    ),
    ("fr.head", "Résumé|Étapes|Conseils"),
    (
        "fr.follow_generic",
        "merci ! et quelque chose de moins cher ?|tu peux expliquer plus simplement ?|\
        parfait, merci beaucoup|ça prend combien de temps ?",
    ),
    (
        "fr.v_dest",
        "Lyon|Marseille|Bordeaux|Québec|Annecy|Montréal|Nice|Strasbourg|Genève|Lille",
    ),
    (
        "fr.v_dish",
        "une quiche lorraine|un bœuf bourguignon|des crêpes|une tarte aux pommes|une ratatouille|\
        un gratin dauphinois|une mousse au chocolat",
    ),
    (
        "fr.v_subject",
        "la photosynthèse|la Révolution française|les fractions|le subjonctif|\
        la Seconde Guerre mondiale|les équations du second degré|la cellule",
    ),
    (
        "fr.travel.ask",
        "que faire à {$dest} en trois jours ?|je pars à {$dest} cet été, tu as des conseils ?|\
        c'est cher de voyager à {$dest} ?|quelle est la meilleure saison pour visiter {$dest} ?",
    ),
    (
        "fr.travel.point",
        "Réservez votre hébergement à l'avance, surtout en été.|Le centre de {$dest} se \
        visite très bien à pied.|Goûtez les spécialités locales au marché, c'est moins cher.|\
        Prévoyez des chaussures confortables et une bouteille d'eau.|Vérifiez les horaires des musées : \
        beaucoup sont fermés le lundi ou le mardi.|Les transports en commun sont pratiques et économiques.",
    ),
    (
        "fr.travel.follow",
        "et où loger ?|tu connais de bons restaurants ?|c'est sûr le soir ?",
    ),
    (
        "fr.cooking.ask",
        "comment faire {$dish} ?|tu as une recette facile pour {$dish} ?|\
        est-ce qu'on peut congeler {$dish} ?|mon gâteau est toujours trop sec, pourquoi ?",
    ),
    (
        "fr.cooking.point",
        "Préchauffez le four à 180 °C avant de commencer.|Utilisez du beurre à température \
        ambiante.|Goûtez et rectifiez l'assaisonnement à la fin.|Laissez reposer quelques minutes avant \
        de servir.|Ça se conserve deux ou trois jours au réfrigérateur.|Ne remplissez pas trop la poêle.",
    ),
    (
        "fr.cooking.follow",
        "et sans œufs ?|c'est pour combien de personnes ?|je peux le préparer la veille ?",
    ),
    (
        "fr.study.ask",
        "peux-tu m'expliquer {$subject} simplement ?|j'ai un contrôle sur {$subject} demain, \
        tu peux m'aider ?|résume {$subject} en cinq points|je ne comprends rien à {$subject}",
    ),
    (
        "fr.study.point",
        "Commencez par l'idée principale, puis ajoutez les détails.|Faites une fiche avec les \
        mots-clés.|Expliquez-le à voix haute comme à un ami.|Révisez un peu chaque jour plutôt que tout \
        la veille.|Cherchez un exemple concret : c'est plus facile à retenir.",
    ),
    (
        "fr.study.follow",
        "tu peux me poser des questions ?|tu as un exemple ?|merci, c'est plus clair",
    ),
    // ---------- German ----------
    (
        "de.open",
        "Gern! Hier sind ein paar Ideen.|Gute Frage! Ich erkläre es kurz.|Natürlich, gehen wir es \
        Schritt für Schritt durch.|Hier ist ein kleiner Überblick.|Klar, gerne.",
    ),
    (
        "de.close",
        "Sag Bescheid, wenn du noch Fragen hast.|Ich hoffe, das hilft dir weiter.|\
        Soll ich es ausführlicher machen?|Viel Erfolg!|Viel Spaß!",
    ),
    ("de.item", "**{S.itemt}**: {S.point}|{S.point}"),
    ("de.itemt", "Tipp|Wichtig|Erster Schritt|Achtung|Extra"),
    ("de.head", "Zusammenfassung|Schritte|Tipps"),
    (
        "de.follow_generic",
        "danke! gibt es auch etwas Günstigeres?|kannst du das einfacher erklären?|\
        super, vielen Dank|wie lange dauert das ungefähr?",
    ),
    (
        "de.v_dest",
        "München|Hamburg|Wien|Zürich|Dresden|Salzburg|Köln|Leipzig|Lübeck|Heidelberg",
    ),
    (
        "de.v_dish",
        "Käsespätzle|Apfelstrudel|Kartoffelsalat|Rouladen|Königsberger Klopse|Pflaumenkuchen|\
        Gulaschsuppe",
    ),
    (
        "de.v_subject",
        "die Photosynthese|die Französische Revolution|den Satz des Pythagoras|\
        die Zellteilung|den Konjunktiv|die Weimarer Republik|den Wasserkreislauf",
    ),
    (
        "de.travel.ask",
        "was kann man in {$dest} an drei Tagen machen?|ich fahre im Sommer nach {$dest}, hast du \
        Tipps?|ist {$dest} teuer?|wann ist die beste Reisezeit für {$dest}?",
    ),
    (
        "de.travel.point",
        "Buche die Unterkunft früh, besonders in der Hauptsaison.|Die Altstadt lässt sich gut \
        zu Fuß erkunden.|Probiere die regionale Küche auf dem Wochenmarkt.|Bequeme Schuhe sind ein Muss.|\
        Viele Museen haben montags geschlossen, also vorher die Öffnungszeiten prüfen.|\
        Mit öffentlichen Verkehrsmitteln kommst du günstig überall hin.",
    ),
    (
        "de.travel.follow",
        "und wo übernachte ich am besten?|kennst du gute Restaurants?|ist es abends sicher?",
    ),
    (
        "de.cooking.ask",
        "wie macht man {$dish}?|hast du ein einfaches Rezept für {$dish}?|\
        kann man {$dish} einfrieren?|mein Kuchen wird immer zu trocken, woran liegt das?",
    ),
    (
        "de.cooking.point",
        "Heize den Ofen auf 180 Grad vor.|Verwende Butter in Zimmertemperatur.|\
        Schmecke am Ende noch einmal mit Salz und Pfeffer ab.|Lass es vor dem Servieren kurz ruhen.|\
        Im Kühlschrank hält es sich zwei bis drei Tage.|Nicht zu viel auf einmal in die Pfanne geben.",
    ),
    (
        "de.cooking.follow",
        "und ohne Eier?|für wie viele Personen ist das?|kann ich es am Vortag vorbereiten?",
    ),
    (
        "de.study.ask",
        "kannst du mir {$subject} einfach erklären?|ich schreibe morgen einen Test über \
        {$subject}, hilfst du mir?|fasse {$subject} in fünf Punkten zusammen|ich verstehe {$subject} nicht",
    ),
    (
        "de.study.point",
        "Fang mit der Hauptidee an und ergänze dann die Details.|Schreib dir die wichtigsten \
        Begriffe auf Karteikarten.|Erkläre es laut, als würdest du es einem Freund erzählen.|\
        Lerne lieber jeden Tag ein bisschen als alles am Abend vorher.|Ein Beispiel aus dem Alltag hilft \
        beim Merken.",
    ),
    (
        "de.study.follow",
        "kannst du mich abfragen?|hast du ein Beispiel?|danke, jetzt verstehe ich es",
    ),
    // ---------- Portuguese ----------
    (
        "pt.open",
        "Claro! Aqui vão algumas ideias.|Boa pergunta! Vou explicar.|Com certeza, vamos por partes.|\
        Com prazer!|Aqui está um guia rápido.",
    ),
    (
        "pt.close",
        "Quer que eu adapte ao seu orçamento?|Espero que ajude!|Se precisar de mais detalhes, é só \
        falar.|Boa sorte!|Qualquer dúvida, estou aqui.",
    ),
    ("pt.item", "**{S.itemt}**: {S.point}|{S.point}"),
    ("pt.itemt", "Dica|Importante|Primeiro passo|Atenção|Extra"),
    ("pt.head", "Resumo|Passos|Dicas"),
    (
        "pt.follow_generic",
        "obrigado! e algo mais barato?|pode explicar de um jeito mais simples?|\
        perfeito, valeu|quanto tempo leva?",
    ),
    (
        "pt.v_dest",
        "Lisboa|Porto|Salvador|Florianópolis|Ouro Preto|Recife|Sintra|Paraty|Coimbra|Manaus",
    ),
    (
        "pt.v_dish",
        "feijoada|pão de queijo|moqueca|brigadeiro|bacalhau à Brás|pastel de nata|coxinha|\
        escondidinho",
    ),
    (
        "pt.v_subject",
        "a fotossíntese|a Revolução Francesa|as equações do segundo grau|a célula|\
        a independência do Brasil|o ciclo da água|as orações subordinadas",
    ),
    (
        "pt.travel.ask",
        "o que fazer em {$dest} em três dias?|vou para {$dest} nas férias, alguma dica?|\
        é caro viajar para {$dest}?|qual a melhor época para visitar {$dest}?",
    ),
    (
        "pt.travel.point",
        "Reserve a hospedagem com antecedência, principalmente na alta temporada.|\
        O centro histórico de {$dest} dá para conhecer a pé.|Experimente a comida local nos mercados.|\
        Leve sapatos confortáveis e protetor solar.|Confira o horário dos museus, pois alguns fecham às \
        segundas.|O transporte público costuma ser a opção mais econômica.",
    ),
    (
        "pt.travel.follow",
        "e onde é melhor ficar?|pode indicar restaurantes?|é seguro à noite?",
    ),
    (
        "pt.cooking.ask",
        "como faço {$dish}?|me passa uma receita fácil de {$dish}|dá para congelar {$dish}?|\
        meu bolo sempre fica seco, o que estou fazendo de errado?",
    ),
    (
        "pt.cooking.point",
        "Preaqueça o forno a 180 °C antes de começar.|Use ingredientes em temperatura \
        ambiente.|Prove e acerte o sal no final.|Deixe descansar alguns minutos antes de servir.|\
        Dura de dois a três dias na geladeira.|Não encha demais a panela.",
    ),
    (
        "pt.cooking.follow",
        "e sem ovo?|rende quantas porções?|posso preparar na véspera?",
    ),
    (
        "pt.study.ask",
        "me explica {$subject} de um jeito simples|tenho prova de {$subject} amanhã, me ajuda?|\
        resume {$subject} em cinco tópicos|não estou entendendo {$subject}",
    ),
    (
        "pt.study.point",
        "Comece pela ideia principal e depois acrescente os detalhes.|Faça um resumo com as \
        palavras-chave.|Explique em voz alta como se estivesse ensinando um amigo.|Estude um pouco todo dia \
        em vez de tudo na véspera.|Procure um exemplo do dia a dia; ajuda a memorizar.",
    ),
    (
        "pt.study.follow",
        "pode me fazer umas perguntas?|tem um exemplo?|valeu, agora entendi",
    ),
    // ---------- Italian ----------
    (
        "it.open",
        "Certo! Ecco qualche idea.|Bella domanda! Ti spiego.|Volentieri, vediamo passo per passo.|\
        Ecco una breve guida.|Con piacere!",
    ),
    (
        "it.close",
        "Fammi sapere se hai altre domande.|Spero ti sia utile.|Vuoi una versione più dettagliata?|\
        In bocca al lupo!|Buon viaggio!",
    ),
    ("it.item", "**{S.itemt}**: {S.point}|{S.point}"),
    (
        "it.itemt",
        "Consiglio|Importante|Primo passo|Attenzione|Extra",
    ),
    ("it.head", "Riassunto|Passaggi|Consigli"),
    (
        "it.follow_generic",
        "grazie! e qualcosa di più economico?|puoi spiegarlo in modo più semplice?|\
        perfetto, grazie mille|quanto tempo ci vuole?",
    ),
    (
        "it.v_dest",
        "Firenze|Napoli|Torino|Bologna|Venezia|Matera|Lecce|Verona|Palermo|Genova",
    ),
    (
        "it.v_dish",
        "le lasagne|il risotto alla milanese|la carbonara|il tiramisù|la parmigiana|\
        gli gnocchi di patate|la focaccia",
    ),
    (
        "it.v_subject",
        "la fotosintesi|la Rivoluzione francese|le equazioni di secondo grado|la cellula|\
        il Risorgimento|il ciclo dell'acqua|il congiuntivo",
    ),
    (
        "it.travel.ask",
        "cosa posso vedere a {$dest} in tre giorni?|vado a {$dest} quest'estate, consigli?|\
        è caro viaggiare a {$dest}?|qual è il periodo migliore per visitare {$dest}?",
    ),
    (
        "it.travel.point",
        "Prenota l'alloggio in anticipo, soprattutto in alta stagione.|Il centro storico si \
        visita benissimo a piedi.|Assaggia la cucina locale nei mercati, costa meno.|Porta scarpe comode e \
        una bottiglia d'acqua.|Controlla gli orari dei musei: alcuni chiudono il lunedì.|\
        I mezzi pubblici sono comodi ed economici.",
    ),
    (
        "it.travel.follow",
        "e dove conviene dormire?|mi consigli qualche ristorante?|è sicuro la sera?",
    ),
    (
        "it.cooking.ask",
        "qual è la ricetta per {$dish}?|mi dai una ricetta facile per {$dish}?|\
        posso congelare {$dish}?|la mia torta viene sempre secca, perché?",
    ),
    (
        "it.cooking.point",
        "Preriscalda il forno a 180 gradi prima di iniziare.|Usa ingredienti a temperatura \
        ambiente.|Assaggia e regola di sale alla fine.|Lascia riposare qualche minuto prima di servire.|\
        Si conserva due o tre giorni in frigorifero.|Non riempire troppo la padella.",
    ),
    (
        "it.cooking.follow",
        "e senza uova?|per quante persone è?|posso prepararlo il giorno prima?",
    ),
    (
        "it.study.ask",
        "mi spieghi {$subject} in modo semplice?|domani ho una verifica su {$subject}, mi aiuti?|\
        riassumi {$subject} in cinque punti|non capisco {$subject}",
    ),
    (
        "it.study.point",
        "Parti dall'idea principale e poi aggiungi i dettagli.|Fai uno schema con le parole \
        chiave.|Ripetilo ad alta voce come se lo spiegassi a un amico.|Studia un po' ogni giorno invece di \
        fare tutto la sera prima.|Cerca un esempio concreto: aiuta a ricordare.",
    ),
    (
        "it.study.follow",
        "mi fai qualche domanda?|hai un esempio?|grazie, adesso è più chiaro",
    ),
];
