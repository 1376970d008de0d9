/* DOM helpers of the corridor map (corridor.webmap; inlined into map.html before runtime.js):
 * text from the data only ever goes through textContent, never innerHTML, and links are made
 * only for http(s) addresses. This comment is not copied into the page.
 */
function corridorMapDom(POPUP) {
  'use strict';
  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null && text !== '') { node.textContent = String(text); }
    return node;
  }
  function add(parent, tag, cls, text) {
    const node = el(tag, cls, text);
    parent.appendChild(node);
    return node;
  }
  function safeHref(url) {
    if (typeof url !== 'string') { return null; }
    const u = url.trim();
    if (!/^https?:\/\//i.test(u) || /[\s\u0000-\u001f\u007f-\u009f]/.test(u)) { return null; }
    try {
      const parsed = new URL(u);
      const ok = (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname;
      return ok ? u : null;
    } catch (err) {
      return null;
    }
  }
  function link(url, label) {
    const href = safeHref(url);
    const text = label || (typeof url === 'string' ? url : '');
    if (!href) { return document.createTextNode(text); }
    const a = el('a', null, label || href);
    a.href = href;
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
    return a;
  }
  function links(parent, items) {
    items.forEach((item, i) => {
      if (i) { parent.appendChild(document.createTextNode(' · ')); }
      parent.appendChild(link(item[1], item[0]));
    });
  }
  function row(box, key, value) {
    if (value === null || value === undefined || value === '') { return; }
    if (Array.isArray(value) && !value.length) { return; }
    const line = add(box, 'div', 'cm-pop-row');
    add(line, 'span', 'cm-pop-key', key + ': ');
    if (Array.isArray(value)) { links(line, value); } else { line.appendChild(document.createTextNode(String(value))); }
  }
  // An info object from the data: k (kicker), t (title), rows [[key, text or links]], notes [text],
  // src [[label, url]], foot (small print).
  function infoPopup(info) {
    const box = el('div', 'cm-pop');
    if (info.k) { add(box, 'div', 'cm-pop-kicker', info.k); }
    if (info.t) { add(box, 'div', 'cm-pop-title', info.t); }
    (info.rows || []).forEach((r) => row(box, r[0], r[1]));
    (info.notes || []).forEach((n) => add(box, 'p', 'cm-pop-note', n));
    row(box, 'Sources', info.src || []);
    if (info.foot) { add(box, 'div', 'cm-pop-foot', info.foot); }
    if (info.sections && info.sections.length) {
      add(box, 'div', 'cm-pop-kicker cm-pop-claims', info.sections.length > 1 ? 'Claims checked' : 'Claim checked');
      info.sections.forEach((section) => {
        const block = add(box, 'div', 'cm-pop-section');
        block.appendChild(infoPopup(section));
      });
    }
    return box;
  }
  function withPopup(layer, info) {
    if (info) { layer.bindPopup(() => infoPopup(info), POPUP); }
    return layer;
  }
  function tip(layer, text, cls, direction, offset) {
    layer.bindTooltip(el('span', null, text), {
      permanent: true, direction: direction || 'right', className: cls,
      offset: offset || [0, 0], interactive: false, opacity: 1,
    });
    return layer;
  }
  function label(latlng, text, cls, direction) {
    return L.tooltip({permanent: true, direction: direction || 'center', className: cls, interactive: false, opacity: 1})
      .setLatLng(latlng).setContent(el('span', null, text));
  }
  // A secondary label that the declutter hid comes back while the pointer is on its line.
  function revealOnHover(line, tooltip) {
    const show = (on) => {
      const node = tooltip.getElement();
      if (node) { node.classList.toggle('cm-hover', on); }
    };
    line.on('mouseover', () => show(true));
    line.on('mouseout', () => show(false));
    return tooltip;
  }

  return {el: el, add: add, safeHref: safeHref, link: link, links: links, row: row, infoPopup: infoPopup, withPopup: withPopup, tip: tip, label: label, revealOnHover: revealOnHover};
}
