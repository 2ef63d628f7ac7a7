"""The scorecard page's style sheet, inlined into the page (no external fonts or sheets)."""

CSS = """
:root{--ink:#1b2430;--muted:#5f6b7a;--line:#e3e8ef;--bg:#f3f5f9;--card:#fff;--accent:#3454d1;--prop:#2166ac;--opp:#b2182b;--good:#1e7d4f;--warn:#b76e00;--bad:#b42318}
*{box-sizing:border-box}
html{color-scheme:light}
body{margin:0;font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif;color:var(--ink);background:var(--bg)}
header.top{background:linear-gradient(135deg,#1f2a44 0%,#2f4aa8 60%,#3d6fd8 100%);color:#fff;padding:34px 0 28px}
.wrap{max-width:1120px;margin:0 auto;padding:0 24px}
header.top h1{margin:0 0 4px;font-size:30px;font-weight:700;letter-spacing:-.01em}
header.top .sub{opacity:.85;margin:0 0 14px}
.stats{display:flex;flex-wrap:wrap;gap:10px;margin:0;padding:0;list-style:none}
.stats li{background:rgba(255,255,255,.12);border:1px solid rgba(255,255,255,.18);border-radius:10px;padding:8px 14px;min-width:110px}
.stats b{display:block;font-size:20px;line-height:1.2}
.stats span{font-size:12px;opacity:.85;text-transform:uppercase;letter-spacing:.04em}
nav.toc{margin-top:18px;display:flex;flex-wrap:wrap;gap:6px 14px;font-size:14px}
nav.toc a{color:#dfe7ff;text-decoration:none;border-bottom:1px dotted rgba(255,255,255,.5)}
main{padding:8px 0 40px}
section.card{background:var(--card);border-radius:14px;box-shadow:0 1px 2px rgba(16,24,40,.06),0 1px 3px rgba(16,24,40,.08);padding:22px 26px;margin:22px 0}
section.card h2{margin:0 0 4px;font-size:20px}
p.lead{margin:0 0 14px;color:var(--muted);font-size:14px}
.caveats{background:#fde7e5;border-bottom:3px solid var(--bad);color:#7a1a12;padding:14px 0;font-size:15px}
.caveats b{font-size:17px}
.caveats ul{margin:6px 0 0;padding-left:20px}
.note{background:#fff8e6;border:1px solid #f3d48a;border-radius:8px;padding:8px 12px;margin:8px 0;font-size:14px}
svg{max-width:100%;height:auto;display:block}
svg text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
.chart{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{padding:7px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);font-weight:600;background:#f8fafc}
th.plain{text-transform:none;letter-spacing:0}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.c,th.c{text-align:center;white-space:nowrap}
tr:hover td{background:#fafbff}
.rank{display:inline-flex;width:26px;height:26px;border-radius:50%;align-items:center;justify-content:center;background:#eef2ff;color:var(--accent);font-weight:700;font-size:13px}
.muted{color:var(--muted)}
.pill{display:inline-block;border-radius:999px;padding:1px 9px;font-size:12px;font-weight:600;white-space:nowrap}
.pill.good{background:#e3f5ec;color:var(--good)}.pill.warn{background:#fff1d6;color:var(--warn)}.pill.bad{background:#fde7e5;color:var(--bad)}.pill.info{background:#eef2ff;color:var(--accent)}.pill.grey{background:#eef1f5;color:var(--muted)}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(330px,1fr));gap:16px}
.matrices{display:flex;flex-wrap:wrap;gap:14px 26px;align-items:flex-start}
.matrices figure{margin:0;max-width:100%}
.matrices figcaption{font-weight:600;font-size:14px;margin:0 0 4px}
.person{border:1px solid var(--line);border-radius:12px;padding:14px 16px}
.person h3{margin:0;font-size:17px}
.person .model{color:var(--muted);font-size:13px;word-break:break-all}
.facts{display:flex;flex-wrap:wrap;gap:6px;margin:10px 0}
.kv{font-size:13px;margin:2px 0}
details.debate{border:1px solid var(--line);border-radius:10px;margin:8px 0;background:#fff}
details.debate[open]{box-shadow:0 1px 3px rgba(16,24,40,.08)}
details.debate>summary{cursor:pointer;padding:9px 14px;list-style-position:inside}
details.debate>summary .who{font-weight:600}
details.debate .body{padding:4px 16px 14px;border-top:1px solid var(--line)}
.speech{margin:8px 0;padding:6px 12px;border-left:4px solid #2166ac;background:#f7f9fc;border-radius:0 6px 6px 0}
.speech.opp{border-left-color:#b2182b;background:#fdf7f7}
.speech .text{white-space:pre-wrap;word-wrap:break-word;margin:4px 0 0}
blockquote{margin:6px 0;padding:6px 12px;border-left:3px solid #c7d2fe;background:#f8faff;border-radius:0 6px 6px 0;white-space:pre-wrap;word-wrap:break-word}
.motion{font-size:15px;margin:10px 0 6px}
.side-p{color:var(--prop);font-weight:600}.side-o{color:var(--opp);font-weight:600}
.legend{display:flex;gap:14px;align-items:center;font-size:12px;color:var(--muted);margin:6px 0 0}
.dot{display:inline-block;width:10px;height:10px;border-radius:50%;vertical-align:middle;margin-right:4px}
footer{color:var(--muted);font-size:13px;text-align:center;padding:10px 0 30px}
"""
