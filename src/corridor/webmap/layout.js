/* The corridor map's layout in the browser (corridor.webmap; inlined into map.html before
 * runtime.js, which calls it): the label hierarchy, the legend's fit above the minimap, and the
 * notice of a tile basemap that needs the network. Text only ever goes through textContent.
 * This comment is not copied into the page.
 */
function corridorMapLayout(map, D, placeTips, SIDE_OFFSET) {
  'use strict';
  const L_ = {};
  const PLACE_TIPS = placeTips;
  // ---- Label hierarchy: a label is hidden where it would cover a label of higher rank or a
  // control; named places come first and are never hidden. ----
  const RANKS = [
    ['cm-key', 0], ['cm-major', 1], ['cm-minor', 2], ['cm-min', 3], ['cm-dist', 4],
    ['cm-note', 5], ['cm-km', 6], ['cm-settle', 7], ['cm-country', 8], ['cm-sea', 8],
  ];
  function rankOf(node) {
    const hit = RANKS.find((r) => node.classList.contains(r[0]));
    return hit ? hit[1] : 9;
  }
  function overlaps(a, b, pad) {
    return a.left < b.right + pad && b.left < a.right + pad && a.top < b.bottom + pad && b.top < a.bottom + pad;
  }
  function declutter() {
    const box = map.getContainer();
    const view = box.getBoundingClientRect();
    const outside = (r) => r.left < view.left || r.right > view.right || r.top < view.top || r.bottom > view.bottom;
    const controls = Array.from(box.querySelectorAll('.leaflet-control'))
      .map((c) => c.getBoundingClientRect()).filter((r) => r.width > 0 && r.height > 0);
    const tips = Array.from(map.getPane('tooltipPane').querySelectorAll('.leaflet-tooltip'))
      .map((node) => ({node: node, rank: rankOf(node), rect: node.getBoundingClientRect()}))
      .filter((t) => t.rect.width > 0 && t.rect.height > 0);
    tips.sort((a, b) => a.rank - b.rank);  // stable: drawing order within a rank
    const kept = [];
    const blocked = (rect) => kept.some((k) => overlaps(k, rect, 2));
    const side = new Map();
    PLACE_TIPS.forEach((p) => { const node = p.tooltip.getElement(); if (node) { side.set(node, p); } });
    tips.forEach((t) => {
      // A place's label tries the other sides of its dot before it gives way.
      const place = side.get(t.node);
      if (place) {
        const sides = [place.dir].concat(Object.keys(SIDE_OFFSET).filter((d) => d !== place.dir));
        for (const d of sides) {
          if (place.tooltip.options.direction !== d) {
            place.tooltip.options.direction = d;
            place.tooltip.options.offset = SIDE_OFFSET[d];
            place.tooltip.update();
            t.rect = t.node.getBoundingClientRect();
          }
          if (!blocked(t.rect) && !outside(t.rect)) { break; }
          if (d === sides[sides.length - 1]) {
            place.tooltip.options.direction = place.dir;
            place.tooltip.options.offset = SIDE_OFFSET[place.dir];
            place.tooltip.update();
            t.rect = t.node.getBoundingClientRect();
          }
        }
      }
      // A named place gives way only to another one it would cover on every side (a phone's view).
      const hidden = t.rank > 0
        ? outside(t.rect) || controls.some((c) => overlaps(c, t.rect, 2)) || blocked(t.rect)
        : kept.some((k) => overlaps(k, t.rect, 0));
      t.node.classList.toggle('cm-hidden', hidden);
      if (!hidden) { kept.push(t.rect); }
    });
  }

  // ---- The legend ends above the minimap, whatever the layer menu and the folds do. ----
  function fitLegend() {
    const node = document.getElementById(D.ids.legend);
    if (!node) { return; }
    const mini = map.getContainer().querySelector('.leaflet-control-minimap');
    const limit = mini ? mini.getBoundingClientRect().top : map.getContainer().getBoundingClientRect().bottom;
    const top = node.getBoundingClientRect().top;
    const style = getComputedStyle(node);
    const padding = parseFloat(style.paddingTop) + parseFloat(style.paddingBottom);
    node.style.maxHeight = Math.max(60, Math.floor(limit - top - 10 - padding)) + 'px';
  }
  // At load, fold more sections (the longest open one first) until the legend needs no scrolling.
  function foldToFit() {
    const node = document.getElementById(D.ids.legend);
    if (!node || node.classList.contains('cm-collapsed')) { return; }
    for (;;) {
      fitLegend();
      if (node.scrollHeight <= node.clientHeight) { return; }
      const open = Array.from(node.querySelectorAll('details.cm-leg-sec[open]'));
      if (!open.length) { return; }
      open.sort((a, b) => b.scrollHeight - a.scrollHeight)[0].open = false;
    }
  }
  let relayoutPending = false;
  function relayout() {
    if (relayoutPending) { return; }
    relayoutPending = true;
    requestAnimationFrame(() => { relayoutPending = false; fitLegend(); declutter(); });
  }

  // ---- Basemaps: tiles only when the reader picks them; offline, the land stays drawn. ----
  function basemaps() {
    const box = map.getContainer();
    const notice = document.createElement('div');
    notice.className = 'cm-notice';
    box.appendChild(notice);
    notice.hidden = true;
    notice.setAttribute('role', 'status');
    let current = null;
    map.on('baselayerchange', (e) => {
      if (current) { current.off('tileload', current.cmLoaded).off('tileerror', current.cmFailed); }
      map.getPane('cm-land').style.display = '';
      notice.hidden = true;
      current = e.layer instanceof L.TileLayer ? e.layer : null;
      if (!current) { return; }
      const name = e.name;
      notice.textContent = name + ': loading tiles from the network…';
      notice.hidden = false;
      current.cmLoaded = () => { map.getPane('cm-land').style.display = 'none'; notice.hidden = true; };
      current.cmFailed = () => {
        if (map.getPane('cm-land').style.display === 'none') { return; }
        notice.textContent = name + ' needs the network; no tiles arrived, so the plain background stays.';
      };
      current.on('tileload', current.cmLoaded).on('tileerror', current.cmFailed);
    });
  }

  L_.relayout = relayout;
  L_.now = function () { fitLegend(); declutter(); };
  L_.foldToFit = foldToFit;
  L_.basemaps = basemaps;
  return L_;
}
