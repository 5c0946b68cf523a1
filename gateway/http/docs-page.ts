// A self-contained API reference page rendered in the browser from /api/v1/openapi.json (no CDN).

export const DOCS_HTML = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>Cloud Eye API · 云眼接口文档</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.5 system-ui,"Noto Sans CJK SC",sans-serif;margin:0;color:#1b2430;background:#f6f8fa}
header{background:#0f2540;color:#fff;padding:16px 24px}header h1{margin:0;font-size:20px}
main{max-width:1100px;margin:0 auto;padding:16px 24px}
section{background:#fff;border:1px solid #d8dee4;border-radius:6px;margin:10px 0}
summary{padding:10px 14px;cursor:pointer;display:flex;gap:12px;align-items:center}
.m{font:600 12px monospace;padding:2px 8px;border-radius:4px;color:#fff;min-width:52px;text-align:center}
.get{background:#1f6feb}.post{background:#2da44e}.patch{background:#bf8700}.put{background:#8250df}.delete{background:#cf222e}
code,pre{font:13px/1.4 ui-monospace,monospace}pre{background:#f6f8fa;padding:10px;overflow:auto;margin:0 14px 14px}
.d{padding:0 14px 8px}h2{font-size:16px;margin:24px 0 4px;text-transform:capitalize}.roles{color:#57606a;font-size:12px}
</style></head><body>
<header><h1>Cloud Eye (云眼) REST API</h1><div id="info"></div></header>
<main id="ops"><p>Loading <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> …</p></main>
<script>
fetch("/api/v1/openapi.json").then(r=>r.json()).then(doc=>{
  const esc=s=>String(s).replace(/[&<>"]/g,c=>({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
  document.getElementById('info').textContent=doc.info.version+' · OpenAPI '+doc.openapi+' · auth: Bearer JWT or X-API-Key';
  const byTag={};
  for(const [p,ops] of Object.entries(doc.paths))for(const [m,op] of Object.entries(ops))(byTag[op.tags[0]]??=[]).push([m,p,op]);
  let html='';
  for(const [tag,list] of Object.entries(byTag)){
    html+='<h2>'+esc(tag)+'</h2>';
    for(const [m,p,op] of list){
      const body=op.requestBody?'<div class="d"><b>Body</b></div><pre>'+esc(JSON.stringify(Object.values(op.requestBody.content)[0].schema,null,2))+'</pre>':'';
      const params=(op.parameters||[]).map(x=>'<code>'+esc(x.in)+':'+esc(x.name)+(x.required?'*':'')+'</code>').join(' ');
      html+='<section><details><summary><span class="m '+m+'">'+m.toUpperCase()+'</span><code>'+esc(p)+'</code><span>'+esc(op.summary||'')+'</span>'
        +(op['x-action']?'<span class="roles">'+esc(op['x-action'])+(op['x-roles']?': '+esc(op['x-roles'].join(', ')):'')+'</span>':'')+'</summary>'
        +(params?'<div class="d">'+params+'</div>':'')+body+'</details></section>';
    }
  }
  document.getElementById('ops').innerHTML=html;
});
</script></body></html>`;
