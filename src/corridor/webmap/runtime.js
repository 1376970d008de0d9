/* The corridor map's browser script (corridor.webmap; inlined into map.html by page.py).
 *
 * Defines corridorMapRuntime(map, data): draws every layer, popup, label and control from the
 * page's JSON data block. Text from the data only ever goes through textContent, never innerHTML;
 * links are made only for http(s) addresses. This comment is not copied into the page.
 */
function corridorMapRuntime(map, D) {
  'use strict';
  const S = D.style;
  const R = {map: map, data: D, layers: {}, timed: [], imported: null, step: null};
  const POPUP = {maxWidth: 340, minWidth: 220, maxHeight: 380, autoPanPadding: [40, 40]};

  // ---- DOM helpers (dom.js): text from the data only ever goes through textContent. ----
  const {el, add, safeHref, link, links, row, infoPopup, withPopup, tip, label, revealOnHover} = corridorMapDom(POPUP);

  // A phone-sized map: the legend, the lists and the minimap start folded to buttons.
  function narrow() { return map.getSize().x < D.narrow_px; }

  // ---- The first view: the corridor, clear of the legend (set before any layer is drawn). ----
  const size = map.getSize();
  map.fitBounds(D.bounds, {
    paddingTopLeft: narrow() ? [40, 60] : [Math.min(60, size.x * 0.05), 30],
    paddingBottomRight: narrow() ? [40, 90] : [Math.min(D.legend_px + 30, size.x * 0.35), 60],
    animate: false,
  });

  // ---- Panes: a fixed drawing order, whatever order layers are switched on. ----
  const overlayPane = map.getPane('overlayPane');
  D.panes.forEach((name, i) => { map.createPane(name, overlayPane).style.zIndex = String(i + 1); });
  map.createPane('cm-land').style.zIndex = '250';

  // ---- A polyline drawn a fixed number of pixels beside its course (patrol lanes). ----
  function offsetPoints(pts, d) {
    const n = pts.length;
    if (!d || n < 2) { return pts; }
    const normals = [];
    for (let i = 0; i < n - 1; i++) {
      const dx = pts[i + 1].x - pts[i].x;
      const dy = pts[i + 1].y - pts[i].y;
      const len = Math.hypot(dx, dy);
      normals.push(len > 1e-9 ? [dy / len, -dx / len] : null);
    }
    for (let i = 0; i < normals.length; i++) {
      if (!normals[i]) { normals[i] = normals[i - 1] || normals.find((v) => v) || [0, 0]; }
    }
    const out = [];
    for (let i = 0; i < n; i++) {
      const a = normals[Math.max(0, i - 1)];
      const b = normals[Math.min(n - 2, i)];
      let nx = a[0] + b[0];
      let ny = a[1] + b[1];
      const len = Math.hypot(nx, ny);
      if (len < 1e-9) { nx = b[0]; ny = b[1]; } else { nx /= len; ny /= len; }
      const k = d / Math.max(nx * b[0] + ny * b[1], 0.5);
      out.push(L.point(pts[i].x + nx * k, pts[i].y + ny * k));
    }
    return out;
  }
  const OffsetLine = L.Polyline.extend({
    _projectLatlngs: function (latlngs, result, projectedBounds) {
      if (!(latlngs[0] instanceof L.LatLng)) {
        for (let i = 0; i < latlngs.length; i++) { this._projectLatlngs(latlngs[i], result, projectedBounds); }
        return;
      }
      const pts = latlngs.map((ll) => this._map.latLngToLayerPoint(ll));
      const ring = offsetPoints(pts, this.options.offset || 0);
      ring.forEach((p) => projectedBounds.extend(p));
      result.push(ring);
    },
  });

  // ---- The layers. ----
  function noClick(style) { return Object.assign({interactive: false}, style); }
  const B = {};
  // The land fills are always drawn (not a base layer), so that no basemap choice can blank them;
  // a tile basemap hides them only once one of its tiles has arrived.
  const landFills = L.layerGroup([
    L.polygon(D.land.syria, noClick({pane: 'cm-land', stroke: false, fillColor: S.syria_land, fillOpacity: 1})),
    L.polygon(D.land.turkey, noClick({pane: 'cm-land', stroke: false, fillColor: S.turkey_land, fillOpacity: 1})),
  ]);
  B.plain = () => L.layerGroup();
  B.outlines = () => {
    const style = {pane: 'cm-outline', color: S.outline, weight: 0.9, fill: false};
    const group = L.featureGroup([L.polygon(D.land.syria, noClick(style)), L.polygon(D.land.turkey, noClick(style))]);
    D.land.labels.forEach((l) => group.addLayer(label([l[0], l[1]], l[2], l[3])));
    return group;
  };
  function corridorHalf(key, fill, edge) {
    const c = D.corridor[key];
    const style = {pane: 'cm-corridor', color: edge, weight: 1.2, opacity: 0.9, fillColor: fill, fillOpacity: 0.32};
    return L.featureGroup([withPopup(L.polygon(c.rings, style), c.info)]);
  }
  B.corridor_north = () => corridorHalf('north', S.north_fill, S.north_edge);
  B.corridor_south = () => corridorHalf('south', S.south_fill, S.south_edge);
  B.corridor_cut = () => {
    const c = D.corridor.cut;
    const group = L.featureGroup();
    if (c) {
      group.addLayer(withPopup(L.polygon(c.rings, {
        pane: 'cm-corridor', color: S.cut, weight: 1, dashArray: '3 3', fillColor: 'url(#cm-hatch)', fillOpacity: 1,
      }), c.info));
    }
    return group;
  };
  B.road = () => L.featureGroup(D.road.map((s) => withPopup(L.polyline(s.ll, {
    pane: 'cm-road', color: S.road, weight: 3, opacity: 0.95, dashArray: s.dash, lineCap: s.dash ? 'butt' : 'round',
  }), s.info)));
  B.km = () => L.featureGroup(D.km.map((k) => tip(L.circleMarker([k[0], k[1]], {
    pane: 'cm-places', radius: 2.6, color: S.road, weight: 1, fillColor: '#fff', fillOpacity: 1, interactive: false,
  }), String(k[2]), 'cm-km', 'bottom', [0, 2])));
  const SIDE_OFFSET = {right: [5, 0], left: [-5, 0], top: [0, -4], bottom: [0, 4]};
  const PLACE_TIPS = [];
  B.places = () => {
    const group = L.featureGroup();
    D.places.forEach((p) => {
      if (p.unc) {
        group.addLayer(L.circle(p.ll, noClick({
          pane: 'cm-uncert', radius: p.unc, color: S.uncertainty, weight: 0.9, opacity: 0.7, dashArray: '2 4', fill: false,
        })));
      }
      const dot = L.circleMarker(p.ll, {
        pane: 'cm-places', radius: p.major ? 4.2 : 3.4, weight: p.derived ? 1.6 : 1.2,
        color: p.derived ? S.place : '#fff', fillColor: p.derived ? '#fff' : S.place, fillOpacity: 1,
      });
      const cls = 'cm-label' + (p.major ? ' cm-major' : ' cm-minor') + (p.derived ? ' cm-derived' : '') + (p.key ? ' cm-key' : '');
      group.addLayer(tip(withPopup(dot, p.info), p.name, cls, p.dir, SIDE_OFFSET[p.dir] || SIDE_OFFSET.right));
      PLACE_TIPS.push({tooltip: dot.getTooltip(), dir: p.dir in SIDE_OFFSET ? p.dir : 'right'});
    });
    return group;
  };
  B.border = () => L.featureGroup([withPopup(L.polyline(D.border.ll, {
    pane: 'cm-border', color: S.border, weight: 2.4, opacity: 0.9, dashArray: '12 4 2 4', lineCap: 'butt',
  }), D.border.info)]);
  B.links = () => {
    const group = L.featureGroup();
    D.links.forEach((c) => {
      const line = L.polyline([c.road, c.border], {pane: 'cm-links', color: S.link, weight: c.min ? 2 : 1.2, dashArray: c.min ? null : D.link_dash, lineCap: 'butt'});
      group.addLayer(withPopup(line, c.info));
      group.addLayer(revealOnHover(line, label(c.at, c.label, 'cm-dist' + (c.min ? ' cm-min' : ''), 'center')));
      [c.road, c.border].forEach((ll) => group.addLayer(L.circleMarker(ll, noClick({pane: 'cm-links', radius: 2, color: S.link, weight: 1, fillColor: S.link, fillOpacity: 1}))));
    });
    return group;
  };
  B.judge = () => L.featureGroup(D.judge.map((j) => withPopup(new OffsetLine(j.ll, {
    pane: 'cm-judge', color: S[j.cls], weight: 7, opacity: 0.9, lineCap: 'butt', lineJoin: 'round', offset: D.ribbon,
  }), j.info)));
  B.line30 = () => {
    const g = L.featureGroup();
    const t = D.line30;
    if (t.band.length) { g.addLayer(L.polygon(t.band, noClick({pane: 'cm-band', stroke: false, fillColor: S.holds, fillOpacity: 0.08}))); }
    [['25', 0.8, '2 4'], ['35', 0.8, '2 4'], ['30', 1.6, '7 4']].forEach(([key, w, dash]) => {
      if (t[key].length) { g.addLayer(withPopup(L.polyline(t[key], {pane: 'cm-band', color: S.holds, weight: w, dashArray: dash, opacity: 0.95}), t.info[key])); }
    });
    if (t.label) { g.addLayer(label(t.label, t.label_text, 'cm-note', 'right')); }
    return g;
  };
  B.checks = () => {
    const g = L.featureGroup();
    D.checks.forEach((c) => {
      const colour = S[c.verdict] || S.unchecked;
      if (c.type === 'point') {
        g.addLayer(withPopup(L.circleMarker(c.ll, {pane: 'cm-checks', radius: 6, color: '#fff', weight: 2, fillColor: colour, fillOpacity: 1}), c.info));
      } else {
        const style = {pane: 'cm-checks', color: colour, weight: c.weight || 2.5, dashArray: c.dash || null, lineCap: 'round'};
        const line = c.lane ? new OffsetLine(c.ll, Object.assign({offset: c.lane}, style)) : L.polyline(c.ll, style);
        g.addLayer(withPopup(line, c.info));
        if (c.label) { g.addLayer(revealOnHover(line, label(c.at, c.label, 'cm-dist cm-claim', 'center'))); }
      }
      (c.ticks || []).forEach((ll) => g.addLayer(L.circleMarker(ll, noClick({pane: 'cm-checks', radius: 2.5, color: colour, weight: 1, fillColor: colour, fillOpacity: 1}))));
    });
    return g;
  };

  // ---- Settlements (GeoNames): small dots; names in Latin and Arabic from a closer zoom. ----
  function settlementPopup(i) {
    const T = D.settlements;
    const shared = (col) => (T[col][i] >= 0 ? T.s[T[col][i]] : '');
    const box = el('div', 'cm-pop');
    add(box, 'div', 'cm-pop-kicker', 'Settlement');
    const title = add(box, 'div', 'cm-pop-title', T.name[i]);
    if (T.name_ar[i]) {
      title.appendChild(document.createTextNode(' · '));
      const ar = add(title, 'span', null, T.name_ar[i]);
      ar.lang = 'ar';
      ar.dir = 'rtl';
    }
    row(box, 'Population (GeoNames)', T.pop[i] ? T.pop[i].toLocaleString('en') : 'not given');
    row(box, 'GeoNames feature code', shared('feature_code'));
    const road = [];
    if (T.km[i] !== null) { road.push('km ' + T.km[i].toFixed(1) + ' of the M4'); }
    if (shared('side')) { road.push(shared('side') + ' side'); }
    road.push(T.inc[i] ? 'inside the corridor' : 'outside the corridor');
    row(box, 'Along the road', road.join(', '));
    if (T.bkm[i] !== null) { row(box, 'To the Turkish border', T.bkm[i].toFixed(1) + ' km'); }
    row(box, 'District, governorate', [shared('district'), shared('governorate')].filter(Boolean).join(', '));
    const sources = [];
    if (shared('source')) { sources.push([shared('source'), shared('source_url') || null]); }
    if (/^[0-9]+$/.test(T.gid[i]) && !shared('source_url')) {
      sources.push(['GeoNames ' + T.gid[i], 'https://www.geonames.org/' + T.gid[i]]);
    }
    row(box, 'Source', sources);
    return box;
  }
  function settlementName(i) {
    const T = D.settlements;
    const text = el('span', 'cm-settle-name');
    add(text, 'span', null, T.name[i]);
    if (T.name_ar[i]) {
      const ar = add(text, 'span', 'cm-ar', T.name_ar[i]);
      ar.lang = 'ar';
      ar.dir = 'rtl';
    }
    return text;
  }
  // Names are bound only to the dots in view once the map is close enough: a permanent label for
  // each of a few thousand villages would make the page slow to open and unreadable.
  const MAX_SETTLEMENT_NAMES = 400;
  function labelSettlements(group) {
    const T = D.settlements;
    const near = map.getZoom() >= D.settlement_zoom && map.hasLayer(group);
    const area = map.getBounds().pad(0.1);
    let named = 0;
    group.cmDots.forEach((dot, i) => {
      const want = near && named < MAX_SETTLEMENT_NAMES && area.contains(dot.getLatLng());
      const has = Boolean(dot.getTooltip());
      if (want) { named += 1; }
      if (want && !has) {
        dot.bindTooltip(settlementName(i), {permanent: true, direction: 'right', className: 'cm-settle', offset: [3, 0], interactive: false, opacity: 1});
      } else if (!want && has) {
        dot.unbindTooltip();
      }
    });
    return T.n;
  }
  B.settlements = () => {
    const T = D.settlements;
    const group = L.featureGroup();
    group.cmDots = [];
    for (let i = 0; i < T.n; i++) {
      const dot = L.circleMarker([T.lat[i], T.lon[i]], {
        pane: 'cm-settle', radius: 2.2, color: '#fff', weight: 0.8, fillColor: S.uncertainty, fillOpacity: 0.9,
      });
      dot.bindPopup(() => settlementPopup(i), POPUP);
      group.addLayer(dot);
      group.cmDots.push(dot);
    }
    const update = () => labelSettlements(group);
    group.on('add', () => { map.on('moveend zoomend', update); setTimeout(update, 0); });
    group.on('remove', () => { map.off('moveend zoomend', update); update(); });
    return group;
  };

  // ---- Events: one group per kind, each event timed. ----
  function eventIcon(group, off, now) {
    return L.divIcon({
      className: 'cm-ev cm-ev-' + group + (now ? ' cm-now' : ''), html: '',
      iconSize: [16, 16], iconAnchor: [8 - off[0], 8 - off[1]], popupAnchor: [off[0], off[1] - 7],
    });
  }
  function eventGroup(key) {
    const group = L.featureGroup();
    group.bindPopup((layer) => infoPopup(layer.options.cmInfo), POPUP);
    // One reading of the road at a time: a patrol's lane shows while its popup is open.
    const pin = (e, on) => {
      const lane = e.layer && e.layer.cmLane;
      if (!lane) { return; }
      lane.cmPinned = on;
      if (on && !group.hasLayer(lane)) { group.addLayer(lane); }
      if (!on && group.hasLayer(lane) && !lane.cmToday) { group.removeLayer(lane); }
    };
    group.on('popupopen', (e) => pin(e, true));
    group.on('popupclose', (e) => pin(e, false));
    D.events.filter((e) => e.g === key).forEach((e) => {
      // Above any imported cluster: the catalogue is what the map is about.
      const marker = L.marker(e.ll, {icon: eventIcon(key, e.o, false), cmInfo: e.info, keyboard: false, title: '', zIndexOffset: 1000});
      marker.cmGroup = key;
      marker.cmOff = e.o;
      group.addLayer(marker);
      R.timed.push({layer: marker, group: group, r: e.r});
      if (e.line) {
        const lane = new OffsetLine(e.line, {
          pane: 'cm-patrols', color: S[key], weight: 4, opacity: 0.6, lineCap: 'butt', offset: e.lane, cmInfo: e.info,
        });
        marker.cmLane = lane;
        R.timed.push({layer: lane, group: group, r: e.r, lane: true});
      }
    });
    return group;
  }
  ['patrol_done', 'patrol_cut', 'attack', 'protest', 'other'].forEach((key) => { B['ev_' + key] = () => eventGroup(key); });

  // ---- Imported events: built here from compact columns, clustered. ----
  function importedText(col, i) {
    const v = D.imported.c[col][i];
    return v === null || v === undefined || v < 0 ? '' : D.imported.s[v];
  }
  function importedPopup(i) {
    const I = D.imported;
    const C = I.c;
    const kind = importedText('kind', i);
    const detail = [importedText('etype', i), importedText('outcome', i)].filter(Boolean).join(': ');
    const box = el('div', 'cm-pop');
    add(box, 'div', 'cm-pop-kicker', 'Imported event · ' + importedText('origin', i));
    add(box, 'div', 'cm-pop-title', detail || kind.replace(/_/g, ' '));
    const prec = importedText('prec', i);
    row(box, 'Date', importedText('date', i) + (prec && prec !== 'day' ? ' (' + prec + ')' : ''));
    row(box, 'Kind on this map', kind.replace(/_/g, ' '));
    const place = importedText('place', i);
    const unc = C.unc[i] ? ' (± ' + (C.unc[i] / 1000).toFixed(1) + ' km)' : '';
    row(box, 'Where', (place || (C.lat ? '' : '')) + unc);
    const road = [];
    if (C.km[i] !== null) { road.push('km ' + C.km[i].toFixed(1) + ' of the M4'); }
    if (C.road[i] !== null) { road.push(C.road[i].toFixed(1) + ' km from the road'); }
    const side = importedText('side', i);
    if (side) { road.push(side + ' side'); }
    road.push(C.inc[i] ? 'inside the corridor' : 'outside the corridor');
    row(box, 'Along the road', road.join(', '));
    if (C.bkm[i] !== null) { row(box, 'To the Turkish border', C.bkm[i].toFixed(1) + ' km'); }
    row(box, 'Actors', [importedText('actor1', i), importedText('actor2', i)].filter(Boolean).join(' · '));
    if (C.fat[i] !== null) { row(box, 'Fatalities', String(C.fat[i])); }
    const desc = C.desc[i];
    if (desc) { add(box, 'p', 'cm-pop-note', desc + (C.cut[i] ? ' … (shortened; the full text is in events.geojson)' : '')); }
    const src = importedText('source', i);
    if (src) {
      const line = add(box, 'div', 'cm-pop-row');
      add(line, 'span', 'cm-pop-key', 'Source: ');
      line.appendChild(safeHref(src) ? link(src, src) : document.createTextNode(src));
    }
    add(box, 'div', 'cm-pop-foot', C.id[i]);
    return box;
  }
  function clusterIcon(cluster) {
    const n = cluster.getChildCount();
    const size = n < 10 ? 20 : n < 100 ? 25 : n < 1000 ? 31 : 37;
    const text = n >= 10000 ? Math.round(n / 1000) + 'k' : n >= 1000 ? (Math.round(n / 100) / 10) + 'k' : String(n);
    return L.divIcon({html: el('span', null, text), className: 'marker-cluster cm-cluster', iconSize: L.point(size, size)});
  }
  B.imported = () => {
    const I = D.imported;
    const icon = L.divIcon({className: 'cm-ev cm-ev-imported', html: '', iconSize: [11, 11]});
    const markers = new Array(I.n);
    for (let i = 0; i < I.n; i++) {
      markers[i] = L.marker([I.lat[i], I.lon[i]], {icon: icon, keyboard: false, cmI: i});
      markers[i].cmR = I.r[i];
    }
    const cluster = L.markerClusterGroup({
      // No chunkedLoading: markercluster 1.1.0 fails if the view changes while chunks load, and
      // the number drawn is capped anyway.
      showCoverageOnHover: false, maxClusterRadius: 70,
      spiderfyOnMaxZoom: true, disableClusteringAtZoom: 17, iconCreateFunction: clusterIcon,
    });
    cluster.addLayers(markers);
    const popup = L.popup(Object.assign({offset: [0, -3]}, POPUP));
    cluster.on('click', (e) => {
      const marker = e.propagatedFrom || e.layer || e.sourceTarget;
      if (!marker || marker.options.cmI === undefined) { return; }
      popup.setLatLng(marker.getLatLng()).setContent(importedPopup(marker.options.cmI)).openOn(map);
    });
    R.imported = {cluster: cluster, markers: markers, popup: popup, step: ALL, open: (i) => {
      popup.setLatLng(markers[i].getLatLng()).setContent(importedPopup(i)).openOn(map);
      return popup.getElement();
    }};
    return cluster;
  };

  R.layer = function (key) {
    if (!R.layers[key]) { R.layers[key] = B[key](); }
    return R.layers[key];
  };

  // The minimap draws from the file only (no tiles): the outlines, the corridor and the road.
  R.minimapLayer = function () {
    const M = D.mini;
    const land = {stroke: false, fillOpacity: 1};
    return L.layerGroup([
      L.polygon(M.turkey, noClick(Object.assign({fillColor: S.turkey_land}, land))),
      L.polygon(M.syria, noClick(Object.assign({fillColor: S.syria_land}, land))),
      L.polygon(M.corridor, noClick({color: S.north_edge, weight: 1, fillColor: S.north_fill, fillOpacity: 0.7})),
      L.polyline(M.border, noClick({color: S.border, weight: 1.2})),
      L.polyline(M.road, noClick({color: S.road, weight: 1.6})),
    ]);
  };
  // On a narrow screen the minimap starts folded to its button.
  R.minimapOptions = function (options) {
    // The minimap snaps to the main map's zoom steps: with Leaflet's default whole steps it would
    // round a zoom of 10.5 and, following it back, zoom the main map on its own after load.
    const mapOptions = Object.assign({}, options.mapOptions, {zoomSnap: map.options.zoomSnap, zoomDelta: map.options.zoomDelta});
    return Object.assign({}, options, {minimized: narrow(), mapOptions: mapOptions});
  };

  // ---- Time: step through the dates; the events up to the chosen date are drawn. ----
  const dates = D.dates;
  const ALL = dates.length;
  function dateLabel(d) {
    return d.length === 4 ? d + ' (year)' : d.length === 7 ? d + ' (month)' : d;
  }
  function shown(r, idx) { return idx === ALL || (r >= 0 && r <= idx); }
  let pending = null;
  function applyTime(idx) {
    R.step = idx;
    let count = 0;
    let today = 0;
    R.timed.forEach((t) => {
      if (t.lane) { t.layer.cmToday = idx < ALL && t.r === idx; }
      const on = t.lane ? t.layer.cmToday || Boolean(t.layer.cmPinned) : shown(t.r, idx);
      const has = t.group.hasLayer(t.layer);
      if (on && !has) { t.group.addLayer(t.layer); } else if (!on && has) { t.group.removeLayer(t.layer); }
      if (t.layer instanceof L.Marker) {
        const now = idx < ALL && t.r === idx;
        t.layer.setIcon(eventIcon(t.layer.cmGroup, t.layer.cmOff, now));
        t.layer.setZIndexOffset(now ? 2000 : 1000);
        if (on) { count += 1; }
        if (now) { today += 1; }
      }
    });
    if (R.imported && R.imported.step !== idx) {
      const I = R.imported;
      I.step = idx;
      clearTimeout(pending);
      // While the slider moves, redraw the clusters only once it rests for a moment.
      pending = setTimeout(() => {
        I.cluster.clearLayers();
        I.cluster.addLayers(idx === ALL ? I.markers : I.markers.filter((m) => shown(m.cmR, idx)));
      }, 80);
    }
    if (R.timeLabel) {
      R.timeLabel.textContent = '';
      if (idx === ALL) {
        add(R.timeLabel, 'b', null, 'All dates');
        R.timeLabel.appendChild(document.createTextNode(' · ' + count + ' catalogue events'));
      } else {
        add(R.timeLabel, 'b', null, 'To ' + dateLabel(dates[idx]));
        R.timeLabel.appendChild(document.createTextNode(' · ' + count + ' events, ' + today + ' on this date'));
      }
      R.timeInput.value = String(idx);
    }
  }
  R.setTime = function (idx) { applyTime(Math.max(0, Math.min(ALL, idx))); };
  const TimeControl = L.Control.extend({
    options: {position: 'bottomleft'},
    onAdd: function () {
      const box = el('div', 'cm-time');
      const prev = add(box, 'button', null, '◀');
      const input = add(box, 'input');
      const next = add(box, 'button', null, '▶');
      const all = add(box, 'button', null, 'All');
      prev.type = next.type = all.type = 'button';
      prev.title = 'Previous date';
      next.title = 'Next date';
      all.title = 'Show every date, and undated events';
      input.type = 'range';
      input.min = '0';
      input.max = String(ALL);
      input.step = '1';
      input.setAttribute('aria-label', 'Show events up to this date');
      R.timeLabel = add(box, 'span', 'cm-time-label');
      R.timeInput = input;
      input.addEventListener('input', () => R.setTime(Number(input.value)));
      prev.addEventListener('click', () => R.setTime((R.step === ALL ? ALL : R.step) - 1));
      next.addEventListener('click', () => R.setTime(R.step + 1));
      all.addEventListener('click', () => R.setTime(ALL));
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    },
  });

  // ---- Legend and the list of events that happened far from the map. ----
  const Legend = L.Control.extend({
    options: {position: 'topright'},
    onAdd: function () {
      const node = document.getElementById(D.ids.legend);
      node.hidden = false;
      const toggle = node.querySelector('.cm-leg-toggle');
      const fold = (collapsed) => {
        node.classList.toggle('cm-collapsed', collapsed);
        toggle.textContent = collapsed ? 'Legend' : '−';
        toggle.setAttribute('aria-expanded', String(!collapsed));
        toggle.title = collapsed ? 'Show the legend' : 'Fold the legend to a button';
      };
      fold(narrow());
      toggle.addEventListener('click', () => { fold(!node.classList.contains('cm-collapsed')); relayout(); });
      node.querySelectorAll('details').forEach((d) => d.addEventListener('toggle', relayout));
      L.DomEvent.disableClickPropagation(node);
      L.DomEvent.disableScrollPropagation(node);
      return node;
    },
  });
  const Elsewhere = L.Control.extend({
    options: {position: 'topleft'},
    onAdd: function () {
      const box = el('details', 'cm-elsewhere');
      add(box, 'summary', null, narrow() ? D.elsewhere.short : D.elsewhere.title);
      box.addEventListener('toggle', relayout);
      add(box, 'div', 'cm-leg-note', D.elsewhere.note);
      const list = add(box, 'ul');
      D.elsewhere.items.forEach((item) => {
        const li = add(list, 'li');
        const d = add(li, 'details');
        add(d, 'summary', null, item.line);
        d.appendChild(infoPopup(item.info));
      });
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    },
  });

  function zoomClass() {
    const z = map.getZoom();
    const box = map.getContainer();
    box.classList.toggle('cm-z-lo', z < 9.5);
    // Village names appear from this zoom on.
    box.classList.toggle('cm-z-near', z >= D.settlement_zoom);
    box.classList.toggle('cm-narrow', narrow());
  }

  // ---- Layout (layout.js): label hierarchy, the legend's fit, the basemap notice. ----
  const layout = corridorMapLayout(map, D, PLACE_TIPS, SIDE_OFFSET);
  const relayout = layout.relayout;
  R.relayout = layout.now;

  R.finish = function () {
    landFills.addTo(map);
    new Legend().addTo(map);
    if (D.elsewhere.items.length) { new Elsewhere().addTo(map); }
    new TimeControl().addTo(map);
    map.attributionControl.addAttribution(D.attribution);
    layout.basemaps();
    const layersControl = map.getContainer().querySelector('.leaflet-control-layers');
    if (layersControl) {
      layersControl.addEventListener('mouseenter', relayout);
      layersControl.addEventListener('mouseleave', relayout);
      layersControl.addEventListener('click', relayout);
    }
    map.on('zoomend resize', zoomClass);
    map.on('zoomend moveend resize overlayadd overlayremove', relayout);
    zoomClass();
    applyTime(ALL);
    layout.foldToFit();
    R.relayout();
  };
  return R;
}
