//! Plain word lists: people's names, places and organisation stems. Kept as `|`-separated
//! strings because that is the most compact way to write long lists by hand.

pub fn list(s: &'static str) -> Vec<&'static str> {
    s.split('|')
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .collect()
}

pub const FIRST_NAMES: &str = "Aaliyah|Abdul|Ada|Adaeze|Adrian|Agnes|Aiko|Aisha|Alan|Alejandra|Alexei|Alice|\
Alina|Amara|Amir|Ana|Anders|Andre|Andrea|Angela|Anil|Anita|Annika|Anthony|Ari|Arjun|Armando|Astrid|\
Aurelio|Ayesha|Beatriz|Benedict|Benjamin|Bernadette|Bianca|Bilal|Boris|Brenda|Brian|Bridget|Bruno|\
Caleb|Camila|Candace|Carlos|Carmen|Caroline|Cecilia|Chandra|Charles|Chen|Chiara|Chidi|Chloe|Chris|\
Clara|Clemence|Colin|Connor|Cristina|Dalia|Damian|Dana|Daniel|Darius|Deborah|Declan|Deepa|Delphine|\
Denise|Derek|Desmond|Diana|Diego|Dmitri|Dolores|Dominic|Doris|Eamon|Edith|Eduardo|Efua|Elena|Eli|\
Elif|Elise|Ellen|Emeka|Emil|Emma|Enrique|Erik|Esther|Ethan|Eugene|Eva|Farah|Fatima|Felipe|Felix|\
Fernando|Fiona|Francesca|Frank|Gabriel|Gareth|Gemma|Georgia|Gerald|Gina|Giovanni|Gloria|Grace|\
Graham|Gustavo|Hana|Hannah|Harold|Hassan|Hector|Helen|Henrik|Hiroshi|Hugo|Ibrahim|Ida|Ifeoma|Igor|\
Ilse|Imani|Ines|Ingrid|Irene|Isaac|Isabel|Ivan|Jacqueline|Jamal|James|Janet|Javier|Jean|Jelena|\
Jeremy|Jessica|Joan|Joaquin|Jonas|Jorge|Joseph|Joyce|Julian|Julie|Jun|Kamal|Karen|Kateryna|Keiko|\
Kenji|Kevin|Kofi|Kwame|Lakshmi|Lars|Laura|Leila|Leon|Lina|Lionel|Lorenzo|Lucia|Luis|Lydia|Magnus|\
Malik|Marcus|Margaret|Maria|Marisol|Martin|Mateo|Maya|Mehmet|Mei|Michael|Miguel|Mira|Miriam|\
Mohammed|Monica|Nadia|Naomi|Nasser|Natalia|Neil|Nia|Nicolas|Nikhil|Nina|Noah|Nora|Obinna|Olga|\
Oliver|Omar|Oscar|Owen|Pablo|Patrice|Patricia|Paul|Pedro|Peter|Philippa|Pilar|Priya|Quentin|Rachel|\
Rafael|Rahul|Ramona|Raquel|Ravi|Rebecca|Renata|Ricardo|Rita|Robert|Rohan|Rosa|Ruth|Sade|Salma|\
Samuel|Sandra|Santiago|Sara|Sean|Sergei|Shira|Simone|Siobhan|Sofia|Sonia|Stefan|Susan|Tamara|\
Tariq|Teresa|Theo|Thomas|Tobias|Tomas|Trevor|Ulla|Valentina|Vanessa|Victor|Vikram|Vivian|Walter|\
Wei|Wendell|Xavier|Yara|Yasmin|Yusuf|Yvonne|Zainab|Zofia|Zoran";

pub const LAST_NAMES: &str = "Abara|Abbott|Acheson|Adeyemi|Aguilar|Ahlberg|Akhtar|Albrecht|Alcott|\
Alvarado|Amundsen|Andrade|Ansah|Arceneaux|Arnaud|Ashworth|Atwater|Avila|Baptiste|Barros|Bassett|\
Becerra|Bellamy|Benedetti|Bergstrom|Bhatt|Birch|Blackwood|Blanchard|Bonifacio|Borowski|Bose|\
Brannigan|Brightman|Brody|Bustos|Cabrera|Calloway|Campos|Carrow|Castellanos|Cavanagh|Chakraborty|\
Chandler|Chaudhry|Cheng|Cisneros|Coelho|Colfax|Conti|Corrigan|Costa|Cruickshank|Cuevas|Dahl|\
Dalgaard|Darrow|Delacroix|Delgado|Desai|Devereux|Dimitrov|Dobbs|Dominguez|Donnelly|Drummond|Duarte|\
Dunleavy|Durand|Eastman|Ebner|Echeverria|Edevane|Eklund|Ellery|Emerson|Engel|Escobar|Esposito|\
Ferrante|Fairbanks|Falk|Farouk|Fenwick|Ferreira|Finch|Fitzgerald|Flores|Fonseca|Forsythe|Fujimoto|\
Gallardo|Garvey|Gaspard|Geller|Gill|Goldberg|Gomes|Gonzaga|Gorski|Grady|Granger|Greaves|Guerrero|\
Gupta|Haddad|Halloran|Halvorsen|Hamid|Hargreaves|Hartley|Hasegawa|Hawthorne|Hedlund|Herrera|\
Hidalgo|Hollis|Horvath|Hoskins|Huang|Hughes|Ibarra|Ilori|Imbert|Iqbal|Ivanova|Jablonski|Jaramillo|\
Jensen|Jimenez|Joshi|Juarez|Kagame|Kaminski|Kapoor|Karlsson|Kaur|Keane|Kessler|Khalil|Kimura|\
Kirkland|Klein|Kobayashi|Koenig|Kowalczyk|Krause|Kuznetsov|Lachance|Landry|Langford|Larsen|\
Lavigne|Lemaire|Leone|Lindqvist|Lombardi|Lopez|Lowell|Lucero|Lundgren|Macalister|Madsen|Maguire|\
Mahler|Maldonado|Mancini|Marchetti|Marsh|Matsumoto|Mbeki|McAllister|McCready|Medina|Mehta|Mendes|\
Mercer|Meyer|Mirza|Molina|Montague|Moreau|Morales|Mukherjee|Murillo|Nakamura|Nascimento|Navarro|\
Ndlovu|Nguyen|Nilsen|Noor|Novak|Nwosu|Oakes|Obi|Ocampo|Odum|Okafor|Okonkwo|Olsen|Ortega|Osei|\
Ostrowski|Otieno|Pacheco|Padilla|Palmer|Park|Pasternak|Patel|Pellegrini|Pereira|Petrov|Pham|\
Pinheiro|Pike|Popescu|Prentiss|Quaye|Quinlan|Quintero|Rahman|Ramsey|Rasmussen|Reddy|Reinholt|\
Renner|Reyes|Rios|Rinaldi|Roberge|Rocha|Rojas|Romano|Rosales|Rossi|Rourke|Saavedra|Sadowski|\
Salazar|Sandoval|Santoro|Sato|Schaefer|Schmitt|Sealy|Serrano|Shapiro|Sharma|Shields|Silva|Sinclair|\
Singh|Sitole|Sokolov|Solberg|Soto|Stavros|Sterling|Strand|Sullivan|Sundberg|Suzuki|Szabo|Tanaka|\
Tate|Teixeira|Thackeray|Thorne|Toivonen|Torres|Trujillo|Tsang|Underhill|Urquhart|Valdez|Vance|\
Varga|Vasquez|Vela|Verhoeven|Villanueva|Vogel|Voss|Wakefield|Walcott|Warrick|Watanabe|Weller|\
Whitcombe|Wiley|Winslow|Wolcott|Wozniak|Yamamoto|Yilmaz|Yoon|Young|Zamora|Zapata|Zeller|Zhang|\
Zielinski|Zubiri|Abernathy|Bancroft|Castillo|Dufresne|Eriksen|Faulkner|Galloway|Holloway|Ingram|\
Kearney|Lindell|Marlowe|Nakashima|Pemberton|Radcliffe|Stroud|Tolliver|Vandermeer|Wexford";

/// `DATELINE;Name` pairs: AP-style datelines (big cities stand alone).
pub const CITIES: &str = "BOSTON;Boston|CHICAGO;Chicago|DENVER;Denver|DETROIT;Detroit|\
HOUSTON;Houston|MIAMI;Miami|PHILADELPHIA;Philadelphia|SEATTLE;Seattle|ATLANTA;Atlanta|\
BALTIMORE;Baltimore|CLEVELAND;Cleveland|DALLAS;Dallas|MILWAUKEE;Milwaukee|MINNEAPOLIS;Minneapolis|\
PITTSBURGH;Pittsburgh|PHOENIX;Phoenix|SAN DIEGO;San Diego|SAN FRANCISCO;San Francisco|\
LOS ANGELES;Los Angeles|NEW ORLEANS;New Orleans|SALT LAKE CITY;Salt Lake City|HONOLULU;Honolulu|\
PORTLAND, Ore.;Portland|SPOKANE, Wash.;Spokane|BOISE, Idaho;Boise|TUCSON, Ariz.;Tucson|\
ALBUQUERQUE, N.M.;Albuquerque|OMAHA, Neb.;Omaha|DES MOINES, Iowa;Des Moines|MADISON, Wis.;Madison|\
COLUMBUS, Ohio;Columbus|LOUISVILLE, Ky.;Louisville|NASHVILLE, Tenn.;Nashville|RALEIGH, N.C.;Raleigh|\
RICHMOND, Va.;Richmond|SAVANNAH, Ga.;Savannah|TAMPA, Fla.;Tampa|BIRMINGHAM, Ala.;Birmingham|\
JACKSON, Miss.;Jackson|LITTLE ROCK, Ark.;Little Rock|TULSA, Okla.;Tulsa|WICHITA, Kan.;Wichita|\
FARGO, N.D.;Fargo|BILLINGS, Mont.;Billings|CHEYENNE, Wyo.;Cheyenne|RENO, Nev.;Reno|\
SACRAMENTO, Calif.;Sacramento|FRESNO, Calif.;Fresno|BURLINGTON, Vt.;Burlington|\
PROVIDENCE, R.I.;Providence|HARTFORD, Conn.;Hartford|PORTLAND, Maine;Portland|ALBANY, N.Y.;Albany|\
BUFFALO, N.Y.;Buffalo|TRENTON, N.J.;Trenton|ANNAPOLIS, Md.;Annapolis|CHARLESTON, S.C.;Charleston|\
ANCHORAGE, Alaska;Anchorage|LANSING, Mich.;Lansing|GARY, Ind.;Gary|DULUTH, Minn.;Duluth|\
TORONTO;Toronto|MONTREAL;Montreal|VANCOUVER, British Columbia;Vancouver|HALIFAX, Nova Scotia;Halifax|\
LONDON;London|MANCHESTER, England;Manchester|GLASGOW, Scotland;Glasgow|CARDIFF, Wales;Cardiff|\
DUBLIN;Dublin|PARIS;Paris|LYON, France;Lyon|MARSEILLE, France;Marseille|BERLIN;Berlin|\
HAMBURG, Germany;Hamburg|MUNICH;Munich|FRANKFURT, Germany;Frankfurt|AMSTERDAM;Amsterdam|\
ROTTERDAM, Netherlands;Rotterdam|BRUSSELS;Brussels|MADRID;Madrid|BARCELONA, Spain;Barcelona|\
LISBON, Portugal;Lisbon|PORTO, Portugal;Porto|ROME;Rome|MILAN;Milan|NAPLES, Italy;Naples|\
VIENNA;Vienna|ZURICH, Switzerland;Zurich|GENEVA;Geneva|COPENHAGEN, Denmark;Copenhagen|\
STOCKHOLM;Stockholm|OSLO, Norway;Oslo|HELSINKI;Helsinki|WARSAW, Poland;Warsaw|PRAGUE;Prague|\
BUDAPEST, Hungary;Budapest|ATHENS, Greece;Athens|ISTANBUL;Istanbul|NAIROBI, Kenya;Nairobi|\
LAGOS, Nigeria;Lagos|ACCRA, Ghana;Accra|JOHANNESBURG;Johannesburg|CAPE TOWN, South Africa;Cape Town|\
CAIRO;Cairo|CASABLANCA, Morocco;Casablanca|DUBAI, United Arab Emirates;Dubai|MUMBAI, India;Mumbai|\
BENGALURU, India;Bengaluru|NEW DELHI;New Delhi|SINGAPORE;Singapore|JAKARTA, Indonesia;Jakarta|\
MANILA, Philippines;Manila|BANGKOK;Bangkok|HANOI, Vietnam;Hanoi|SEOUL, South Korea;Seoul|\
TOKYO;Tokyo|OSAKA, Japan;Osaka|SYDNEY;Sydney|MELBOURNE, Australia;Melbourne|\
AUCKLAND, New Zealand;Auckland|MEXICO CITY;Mexico City|GUADALAJARA, Mexico;Guadalajara|\
BOGOTA, Colombia;Bogota|LIMA, Peru;Lima|SANTIAGO, Chile;Santiago|BUENOS AIRES, Argentina;Buenos Aires|\
SAO PAULO;Sao Paulo|MONTEVIDEO, Uruguay;Montevideo";

/// Invented organisation stems, combined with section-specific suffixes.
pub const ORG_STEMS: &str = "Abernook|Alderwick|Amberline|Ardent|Ashcombe|Aspenmoor|Auric|Axiom|\
Baywater|Beacon Hill|Bellweather|Birchmont|Blackfen|Bluewater|Bramble|Brightwater|Brookhaven|\
Calder|Calloway|Cardinal Point|Castlerock|Cedarline|Clearbrook|Cobalt|Coldharbor|Copperfield|\
Crestview|Crossway|Dalewood|Deepwell|Driftwood|Eastgate|Edgemere|Elmstead|Emberly|Everline|\
Fairhaven|Falconer|Fernhill|Fieldstone|Firthmore|Foxglove|Galeton|Garnet|Glenmoor|Goldcrest|\
Granite Bay|Greymarsh|Halcyon|Harborview|Hartwell|Hawksmoor|Heathrow Lane|Highmark|Hollowell|\
Ironbridge|Ivywood|Juniper|Kelmscott|Kestrel|Kingsbury|Lakemont|Larkspur|Ledgerwood|Lindenhall|\
Lodestar|Longmeadow|Lowfield|Maplecrest|Marrowby|Meridian|Millbrook|Mistral|Moorgate|Northfield|\
Northwind|Oakhurst|Orchard Row|Orvane|Palisade|Pennant|Pinecrest|Quarry Hill|Quillon|Ravenscroft|\
Redpine|Ridgeline|Riverbend|Rookwood|Rosemere|Saltmarsh|Sandpiper|Silverleaf|Skylark|Southmoor|\
Stillwater|Stonebridge|Summerset|Sunderland Gap|Tallgrass|Thornbury|Tidewater|Timberline|\
Trestle|Truewind|Umberfield|Upland|Valemont|Veradyne|Verity|Westbrook|Whitlock|Wildrose|\
Willowmere|Windmere|Wrenfield|Yarrow|Zephyr|Amberfield|Boulderline|Cinderwell|Dunmore|Elderglen|\
Frostgate|Greenhollow|Highwater|Inkwell|Jasperline|Kettleby|Lanternfield|Marblehead|Nettlefold|\
Oxbow|Pebblecreek|Quenby|Rushmere|Starling|Thistledown|Underwood|Vantage|Waymark|Wolverdale";

/// Street names for addresses that turn up in user messages.
pub const STREETS: &str = "Maple Ave|Oak Street|Cedar Lane|Pine Road|Elm Street|Lakeview Drive|\
Sunset Blvd|Hillcrest Road|Park Avenue|Willow Way|Birch Court|Church Street|Mill Road|\
River Road|Highland Ave|Orchard Lane|Spring Street|Meadow Drive|Ridge Road|Chestnut St";

pub const EMAIL_DOMAINS: &str = "gmail.com|gmail.com|gmail.com|yahoo.com|outlook.com|hotmail.com|\
icloud.com|proton.me|aol.com|comcast.net|mail.example|fastmail.com";
