package org.diloco4j.app.report;

/** The page's inline stylesheet and its one small script (legend toggles; the page reads fine without it). */
final class Styles {
    private Styles() {
    }

    static final String CSS = """
            :root{--fg:#1f2328;--muted:#656d76;--line:#d0d7de;--soft:#eaeef2;--bg:#f3f4f6;--card:#fff;
              --compute:COMPUTE;--comm:COMMUNICATE;--idle:IDLE}
            *{box-sizing:border-box}
            body{margin:0;background:var(--bg);color:var(--fg);
              font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans","DejaVu Sans",sans-serif}
            header.top{background:#fff;border-bottom:1px solid var(--line)}
            header.top .inner,main,footer{max-width:1240px;margin:0 auto;padding:0 20px}
            header.top .inner{padding-top:16px;padding-bottom:14px}
            .brand{font-size:12px;font-weight:600;letter-spacing:.06em;text-transform:uppercase;color:var(--muted)}
            h1{font-size:22px;margin:2px 0 6px;font-weight:650}
            h2{font-size:16px;margin:0 0 4px;font-weight:650}
            h3{font-size:14px;margin:0;font-weight:600}
            .meta{display:flex;flex-wrap:wrap;gap:4px 22px;color:var(--muted);font-size:13px}
            .meta b{color:var(--fg);font-weight:600}
            main{padding-top:16px}
            section.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:16px 18px;margin:0 0 16px}
            section.card>p.sub,.card-sub{margin:0 0 12px;color:var(--muted);font-size:13px}
            .grid2{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:18px 24px}
            @media (max-width:900px){.grid2{grid-template-columns:1fr}}
            figure.chart{margin:0;min-width:0}
            figcaption .sub{margin:1px 0 4px;color:var(--muted);font-size:12px}
            svg{display:block;max-width:100%;height:auto;overflow:visible}
            svg text{font-size:11px;fill:#57606a}
            svg .axis-title{font-size:12px;fill:#24292f}
            svg .empty{font-size:13px;fill:var(--muted)}
            svg .g{stroke:var(--soft);stroke-width:1}
            svg .frame{fill:none;stroke:var(--line)}
            svg .axis{stroke:#8c959f}
            svg .line{stroke-width:2;stroke-linejoin:round;stroke-linecap:round}
            svg .dashed{stroke-dasharray:6 4;stroke-width:1.6}
            svg .mk{stroke:#fff;stroke-width:.8}
            svg .bar-label{font-size:10px}
            svg .row-label{font-size:12px;fill:var(--fg);font-weight:600}
            svg .row-label .muted,svg .muted{font-weight:400;fill:var(--muted)}
            svg .row-util{font-size:11px;fill:var(--fg)}
            svg.swatch{display:inline-block;vertical-align:-1px;margin-right:5px}
            svg .lane{fill:#f6f8fa}
            svg.timeline rect{shape-rendering:crispEdges}
            svg .rule{stroke:#24292f;stroke-width:1;stroke-dasharray:3 3}
            svg .rule-label{font-size:11px;fill:#24292f}
            figure.wide{grid-column:1/-1}
            #train-loss .line{stroke-width:1.4}
            td.machine{white-space:nowrap;font-size:12.5px}
            .k-c{fill:var(--compute);background:var(--compute)}
            .k-m{fill:var(--comm);background:var(--comm)}
            .k-i{fill:var(--idle);background:var(--idle)}
            .legend{display:flex;flex-wrap:wrap;gap:3px 16px;font-size:12.5px;margin:2px 0 6px}
            .legend .key{white-space:nowrap;user-select:none}
            .legend .key[data-series]{cursor:pointer}
            .legend .key.off{opacity:.35;text-decoration:line-through}
            .series.off{display:none}
            .legend em{color:var(--muted)}
            .tl-legend .sw{display:inline-block;width:14px;height:10px;border-radius:2px;margin-right:5px;vertical-align:-1px}
            .tl-legend .sw.band{background:linear-gradient(to top,var(--comm) 40%,var(--compute) 40%)}
            .tl-run{margin-top:10px}
            .tl-run h3{display:flex;align-items:center;gap:8px}
            .table-wrap{overflow-x:auto}
            table{border-collapse:collapse;width:100%;font-size:13px}
            th{text-align:left;font-weight:600;color:var(--muted);font-size:12px;padding:6px 7px;border-bottom:1px solid var(--line);vertical-align:bottom}
            td{padding:7px 7px;border-bottom:1px solid var(--soft);vertical-align:top}
            .num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
            th.num{white-space:normal}
            td.reason{font-size:12px;color:#424a53;min-width:160px}
            table.summary td.reason{min-width:150px;max-width:210px}
            tr.best td{background:#f1f8ff}
            td.run{white-space:nowrap}
            .dot{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:7px;vertical-align:0}
            .muted{color:var(--muted)}
            .small{font-size:11.5px}
            .split{display:flex;align-items:center;gap:8px;white-space:nowrap}
            .split .bar{display:flex;width:120px;height:10px;border-radius:3px;overflow:hidden;background:var(--soft)}
            .split .bar i{display:block;height:100%}
            .split .pct{font-variant-numeric:tabular-nums;min-width:44px;text-align:right}
            .kpis{display:grid;grid-template-columns:repeat(5,minmax(0,1fr));gap:12px;margin:0 0 16px}
            .kpi{background:#fff;border:1px solid var(--line);border-radius:8px;padding:12px 14px}
            .kpi .v{font-size:22px;font-weight:650;font-variant-numeric:tabular-nums}
            .kpi .l{font-size:12px;color:var(--muted)}
            .kpi .d{font-size:12px;color:var(--muted);margin-top:2px}
            .chips{display:flex;flex-wrap:wrap;gap:6px;margin:4px 0 8px}
            .chip{display:inline-block;padding:1px 9px;border-radius:10px;background:#eef1f4;font-size:12px;white-space:nowrap}
            .chip.kind-drop,.chip.kind-reject,.chip.kind-lost,.chip.kind-evict{background:#fbe3d4;color:#8a3300}
            .chip.kind-join{background:#d9f2e6;color:#0b5e3d}
            .chip.kind-leave,.chip.kind-stop{background:#e6e1f5;color:#4b3a8c}
            details.decisions summary{cursor:pointer;color:var(--muted);font-size:13px;margin:4px 0}
            .side{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:18px 24px;margin-top:14px}
            @media (max-width:900px){.side{grid-template-columns:1fr}}
            details.config{margin-top:12px}
            details.config summary{cursor:pointer;color:var(--muted);font-size:13px}
            details.config pre{background:#f6f8fa;border:1px solid var(--soft);border-radius:6px;padding:10px 12px;
              font:12px/1.5 ui-monospace,"SFMono-Regular","DejaVu Sans Mono",Menlo,Consolas,monospace;overflow:auto;max-height:420px}
            code{font:12px ui-monospace,"SFMono-Regular","DejaVu Sans Mono",Menlo,Consolas,monospace}
            table.workers td:first-child{white-space:nowrap}
            .banner{border:1px solid #d4a72c;background:#fff8c5;border-radius:8px;padding:10px 14px;margin:0 0 16px;font-size:13.5px}
            .banner.status-stopped{border-color:#8c959f;background:#f6f8fa}
            .grid2.under{margin-top:18px}
            .samples{margin-top:14px}
            .samples .sub{margin:1px 0 6px;color:var(--muted);font-size:12px}
            figure.sample{margin:0 0 10px}
            figure.sample figcaption{font-size:11.5px;color:var(--muted)}
            figure.sample pre{margin:2px 0 0;background:#f6f8fa;border:1px solid var(--soft);border-radius:6px;padding:8px 12px;
              font:12.5px/1.5 ui-monospace,"SFMono-Regular","DejaVu Sans Mono",Menlo,Consolas,monospace;white-space:pre-wrap;
              overflow-wrap:anywhere}
            footer{color:var(--muted);font-size:12px;padding-bottom:24px}
            """.replace("COMPUTE", Palette.COMPUTE).replace("COMMUNICATE", Palette.COMMUNICATE)
            .replace("IDLE", Palette.IDLE);

    /** Clicking a legend entry hides that run (or worker) in every chart. */
    static final String SCRIPT = """
            document.querySelectorAll('.legend .key[data-series]').forEach(function(k){
              k.addEventListener('click',function(){
                var id=k.getAttribute('data-series'),off=!k.classList.contains('off');
                var scope=k.closest('.compare-charts')||k.closest('figure');
                scope.querySelectorAll('[data-series="'+id+'"]').forEach(function(e){e.classList.toggle('off',off);});
              });
            });
            """;
}
