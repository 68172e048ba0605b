// The console's only script: sends the CSRF token with every htmx request and draws the charts. Pages work without it;
// it is served from the application itself (no inline scripts, so the Content-Security-Policy allows no others).
(function () {
    'use strict';

    document.addEventListener('htmx:configRequest', function (event) {
        var token = document.querySelector('meta[name="_csrf"]');
        var header = document.querySelector('meta[name="_csrf_header"]');
        if (token && header) {
            event.detail.headers[header.content] = token.content;
        }
    });

    function draw(element) {
        if (element.dataset.drawn || typeof uPlot === 'undefined') {
            return;
        }
        var data = JSON.parse(element.dataset.chart);
        element.dataset.drawn = 'true';
        if (data.x.length === 0) {
            element.textContent = 'No spending to chart yet.';
            element.style.minHeight = '0';
            return;
        }
        var width = Math.max(280, element.clientWidth);
        var options = {
            width: width,
            height: 220,
            scales: { x: { time: true, range: function (u, min, max) { return min === max ? [min - 86400, max + 86400] : [min, max]; } } },
            axes: [{}, { label: 'USD', size: 70 }],
            series: [{}, {
                label: data.label,
                stroke: '#0b5cad',
                fill: 'rgba(11, 92, 173, 0.15)',
                width: 2,
                paths: uPlot.paths && uPlot.paths.bars ? uPlot.paths.bars({ size: [0.6, 40] }) : undefined,
                points: { show: true }
            }]
        };
        new uPlot(options, [data.x, data.y], element);
    }

    function drawAll(root) {
        (root || document).querySelectorAll('[data-chart]').forEach(draw);
    }

    document.addEventListener('DOMContentLoaded', function () { drawAll(document); });
    document.addEventListener('htmx:afterSettle', function (event) { drawAll(event.target); });
}());
