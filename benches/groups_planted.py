"""Planted near-duplicate copies found by the groups: python3 benches/groups_planted.py GROUPS_JSON NEAR_DUPLICATES_JSONL"""
import json, sys, collections
groups = json.load(open(sys.argv[1]))
truth = [json.loads(l) for l in open(sys.argv[2])]
head = {t['conversation']: t['copy_of'] for t in truth}
fam = lambda c: head.get(c, c)
# conversation -> set of families it shares a group with (other members)
with_fam = collections.defaultdict(set)
for g in groups['groups']:
    ms = g['members']
    convs = [m['conversation'] for m in ms]
    fams = collections.Counter(fam(c) for c in set(convs))
    for c in set(convs):
        f = fam(c)
        if fams[f] > 1:
            with_fam[c].add(f)
by_rate = collections.defaultdict(lambda: [0, 0])
for t in truth:
    r = t['edit_rate']; c = t['conversation']
    by_rate[r][1] += 1
    by_rate[r][0] += fam(c) in with_fam[c]
for r in sorted(by_rate):
    f, n = by_rate[r]
    print(f"edit rate {r:.2f}: {f}/{n} copies grouped with their family = {f/n:.3f}")
# precision: members whose principal is of another planted family (both in planted families)
planted = set(head) | set(head.values())
same = diff = 0
for g in groups['groups']:
    p = g['members'][0]['conversation']
    for m in g['members'][1:]:
        c = m['conversation']
        if c == p or c not in planted or p not in planted: continue
        if fam(c) == fam(p): same += 1
        else: diff += 1
print(f"members and principals both planted: {same} same family, {diff} different ({same/max(1,same+diff):.4f})")
