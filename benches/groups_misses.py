"""A sample of the planted copies not grouped with their family, by why: python3 benches/groups_misses.py GROUPS_JSON NEAR_DUPLICATES_JSONL CONVERSATIONS_JSONL RATE"""
import json, sys, re, collections, random
groups = json.load(open(sys.argv[1])); truth=[json.loads(l) for l in open(sys.argv[2])]
conv_file=sys.argv[3]; rate=float(sys.argv[4])
head={t['conversation']:t['copy_of'] for t in truth}
fam=lambda c: head.get(c,c)
with_fam=collections.defaultdict(set)
for g in groups['groups']:
    convs=set(m['conversation'] for m in g['members'])
    fams=collections.Counter(fam(c) for c in convs)
    for c in convs:
        if fams[fam(c)]>1: with_fam[c].add(fam(c))
miss=[t for t in truth if t['edit_rate']==rate and fam(t['conversation']) not in with_fam[t['conversation']]]
random.seed(1); sample=random.sample(miss,min(400,len(miss)))
need=set()
for t in sample: need.add(t['conversation']); need.add(t['copy_of'])
convs={}
with open(conv_file) as f:
    for line in f:
        i=line[7:25].split('"')[0]
        if i in need: convs[i]=json.loads(line)
W=re.compile(r'\w+')
def sh(t):
    if isinstance(t,list): t=" ".join(p.get("text","") if isinstance(p,dict) else str(p) for p in t)
    w=[x.lower() for x in W.findall(t)]
    return w, set(' '.join(w[i:i+5]) for i in range(max(0,len(w)-4)))
grouped_ids=set(m['conversation'] for g in groups['groups'] for m in g['members'])
cat=collections.Counter()
for t in sample:
    a=[m['content'] for m in convs[t['conversation']]['messages'] if m['role']=='assistant']
    b=[m['content'] for m in convs[t['copy_of']]['messages'] if m['role']=='assistant']
    best=0; short=True
    for x,y in zip(a,b):
        wx,sx=sh(x); wy,sy=sh(y)
        if len(wx)>=20 and len(wy)>=20:
            short=False
            if sx|sy: best=max(best,len(sx&sy)/len(sx|sy))
    if short: cat['replies under 20 words']+=1
    elif best<0.8: cat['below 0.8 (true)']+=1
    else:
        cat['>=0.8 but not together' + (' (copy grouped elsewhere)' if t['conversation'] in grouped_ids else ' (copy ungrouped)')]+=1
print(len(miss),'misses; sample',len(sample),dict(cat))
