#!/usr/bin/env python3
"""The review interface's search latency as a reviewer sees it, driven in tmux: the import
bench's 20-query mix typed ROUNDS times into a running interface (`/`, the query, Enter),
the list's header polled every 10 ms until it shows the new page. Prints the worker's own
time for each page (the header's figure) and the time from Enter to the header drawn,
p50 and p99.

    tmux new-session -d -s t -x 80 -y 24 "verbatim --matter M [--scheduler ADDR] review"
    python3 benches/review_latency.py [ROUNDS] [SESSION]      # defaults: 3, t
"""
import subprocess,time,re,statistics,sys
qs = ["report", "climate change", '"according to"', "assistant:government",
      "user:recipe OR user:cooking", "minister AND budget", "python AND NOT java",
      "model:gpt-4", "created:2023-01-01..2023-06-30", "turns:>5",
      "(election OR vote) AND assistant:results", "the", "said the",
      "user:(help me) AND assistant:sure", "lang:spanish", "title:news OR assistant:headline",
      "percent AND (rise OR fall)", "NOT model:gpt-3.5-turbo", '"in a statement"',
      "company AND shares AND market"]
SESSION = sys.argv[2] if len(sys.argv) > 2 else "t"
def t(*a): subprocess.run(["tmux"]+list(a),check=True)
def header():
    scr=subprocess.run(["tmux","capture-pane","-p","-t",SESSION],capture_output=True,text=True).stdout
    m=re.search(r"([\d,]+) of [\d,]+ conversations · ([\d.]+) ms",scr)
    r=re.search(r"reading: (.*)",scr)
    return (m.group(0) if m else None, r.group(1).strip() if r else None, float(m.group(2)) if m else None)
ms=[]; walls=[]
for r in range(int(sys.argv[1]) if len(sys.argv) > 1 else 3):
  for q in qs:
    t("send-keys","-t",SESSION,"/"); time.sleep(0.2)
    before=header()
    t0=time.time()
    t("send-keys","-t",SESSION,"C-u",q,"Enter")
    while True:
        time.sleep(0.01)
        h=header()
        if h[0] and h[1]!=before[1] and h[0]!=before[0]: break
        if time.time()-t0>10: print("timeout",q); break
    walls.append((time.time()-t0)*1000); ms.append(h[2])
def pct(xs,p):
    xs=sorted(xs); return xs[min(len(xs)-1,int(round(p/100*(len(xs)-1))))]
print("pages",len(ms),"worker ms p50",pct(ms,50),"p99",pct(ms,99),"| Enter to header drawn (polling every 10 ms) p50",round(pct(walls,50)),"p99",round(pct(walls,99)))
