/**
 * The dashboard's one script (served at /assets/dashboard.js; no build step, no framework):
 * - live updates: an EventSource on /live; each snapshot updates the `[data-live]` values and the
 *   run's progress at once, and when a topic changed, the page's `[data-region]` parts listening to
 *   it are fetched again and swapped in (never the part holding the keyboard focus);
 * - actions through the REST API: a form with `data-api` is sent with fetch, as JSON, with the
 *   session's CSRF token in `X-CSRF-Token`; without the script the same form posts normally (its
 *   `_csrf` field) and the server answers with a redirect;
 * - `data-confirm` asks before sending.
 */
export const CLIENT_JS = String.raw`(function () {
  'use strict';
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.getAttribute('content') : '';
  var liveState = document.getElementById('live-state');
  var announcer = document.getElementById('flash');
  var topics = null;
  var pending = {};
  var refreshing = false;
  var lastRefresh = 0;

  function say(text, kind) {
    if (!announcer) return;
    var p = document.createElement('p');
    p.className = 'flash flash-' + (kind || 'ok');
    p.textContent = text;
    announcer.replaceChildren(p);
  }

  function setLive(values) {
    var nodes = document.querySelectorAll('[data-live]');
    for (var i = 0; i < nodes.length; i++) {
      var el = nodes[i];
      var key = el.getAttribute('data-live');
      if (!(key in values)) continue;
      var v = values[key];
      var text = v === null || v === undefined ? '' : typeof v === 'number' ? v.toLocaleString('en-US') : String(v);
      if (el.textContent !== text) el.textContent = text;
      if (el.hasAttribute('data-live-count')) {
        el.classList.toggle('count-on', Number(v) > 0);
        el.setAttribute('aria-label', text + ' open');
      }
    }
  }

  function setRun(run) {
    var bars = document.querySelectorAll('[data-run-progress]');
    for (var i = 0; i < bars.length; i++) {
      var bar = bars[i];
      if (!run || run.status !== 'running') { bar.hidden = true; continue; }
      bar.hidden = false;
      var prog = bar.querySelector('progress');
      if (prog) {
        if (run.total) { prog.max = run.total; prog.value = Math.min(run.done, run.total); }
        else { prog.removeAttribute('value'); }
      }
    }
  }

  function regionsFor(changed) {
    var out = [];
    var nodes = document.querySelectorAll('[data-region]');
    for (var i = 0; i < nodes.length; i++) {
      var want = (nodes[i].getAttribute('data-topics') || '').split(' ');
      for (var j = 0; j < want.length; j++) {
        if (changed.indexOf(want[j]) >= 0 || changed.indexOf('*') >= 0) { out.push(nodes[i].id); break; }
      }
    }
    return out;
  }

  function refresh(ids) {
    for (var i = 0; i < ids.length; i++) pending[ids[i]] = true;
    if (refreshing) return;
    var wait = Math.max(0, 1500 - (Date.now() - lastRefresh));
    refreshing = true;
    setTimeout(function () {
      var want = Object.keys(pending);
      pending = {};
      lastRefresh = Date.now();
      fetch(location.href, { headers: { 'X-Dashboard-Refresh': '1' }, credentials: 'same-origin' })
        .then(function (res) {
          if (res.redirected && /\/login/.test(res.url)) { location.reload(); return null; }
          return res.ok ? res.text() : null;
        })
        .then(function (text) {
          if (!text) return;
          var doc = new DOMParser().parseFromString(text, 'text/html');
          for (var k = 0; k < want.length; k++) {
            var cur = document.getElementById(want[k]);
            var next = doc.getElementById(want[k]);
            if (!cur || !next) continue;
            if (cur.contains(document.activeElement) && document.activeElement !== document.body) {
              pending[want[k]] = true;
              continue;
            }
            if (cur.innerHTML !== next.innerHTML) cur.innerHTML = next.innerHTML;
          }
        })
        .catch(function () {})
        .then(function () {
          refreshing = false;
          if (Object.keys(pending).length > 0) refresh([]);
        });
    }, wait);
  }

  function connect() {
    if (!window.EventSource) { if (liveState) liveState.textContent = 'Live updates need a newer browser.'; return; }
    var source = new EventSource('/live');
    source.addEventListener('snapshot', function (ev) {
      var snap;
      try { snap = JSON.parse(ev.data); } catch (e) { return; }
      if (liveState) {
        liveState.textContent = 'Live';
        liveState.className = 'live-state live-on';
        liveState.title = 'Updated ' + new Date(snap.at).toLocaleTimeString();
      }
      document.body.setAttribute('data-live-at', snap.at);
      setLive(snap.values || {});
      setRun(snap.run);
      var changed = [];
      if (topics) {
        for (var t in snap.topics) if (snap.topics[t] !== topics[t]) changed.push(t);
      }
      if (topics && snap.run && topics.__runStatus && topics.__runStatus !== snap.run.status && snap.run.status !== 'running') {
        say('The ' + snap.run.kind + ' run finished: ' + snap.run.status + '.', snap.run.status === 'failed' ? 'error' : 'ok');
      }
      topics = snap.topics || {};
      topics.__runStatus = snap.run ? snap.run.status : null;
      if (changed.length > 0) refresh(regionsFor(changed));
    });
    source.addEventListener('error', function () {
      if (liveState) {
        liveState.textContent = 'Live updates interrupted — reconnecting…';
        liveState.className = 'live-state live-off';
      }
    });
  }

  function formJson(form) {
    var data = {};
    var els = form.elements;
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      if (!el.name || el.name === '_csrf' || el.disabled) continue;
      if (el.type === 'checkbox') { data[el.name] = el.checked; continue; }
      if (el.type === 'radio' && !el.checked) continue;
      if (el.type === 'submit') continue;
      var v = el.value;
      if (el.getAttribute('data-type') === 'boolean') data[el.name] = v === 'true';
      else if (el.getAttribute('data-type') === 'list') data[el.name] = v.split(',').map(function (s) { return s.trim(); }).filter(Boolean);
      else data[el.name] = v;
    }
    return data;
  }

  document.addEventListener('submit', function (ev) {
    var form = ev.target;
    if (!(form instanceof HTMLFormElement)) return;
    var question = form.getAttribute('data-confirm');
    if (question && !window.confirm(question)) { ev.preventDefault(); return; }
    var api = form.getAttribute('data-api');
    if (!api || !window.fetch) return;
    ev.preventDefault();
    var submitter = ev.submitter;
    var body = formJson(form);
    if (submitter && submitter.name) body[submitter.name] = submitter.getAttribute('data-type') === 'boolean' ? submitter.value === 'true' : submitter.value;
    var buttons = form.querySelectorAll('button');
    for (var i = 0; i < buttons.length; i++) buttons[i].disabled = true;
    fetch(api, {
      method: form.getAttribute('data-method') || 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify(body),
    })
      .then(function (res) {
        return res.text().then(function (text) {
          var json = null;
          try { json = JSON.parse(text); } catch (e) {}
          if (res.ok) {
            say(form.getAttribute('data-ok') || 'Done.', 'ok');
          } else {
            var msg = json && json.message ? json.message : 'The request failed (' + res.status + ').';
            if (json && json.hint) msg += ' ' + json.hint;
            say(msg, 'error');
          }
        });
      })
      .catch(function () { say('The service did not answer: is it still running?', 'error'); })
      .then(function () {
        for (var i = 0; i < buttons.length; i++) buttons[i].disabled = false;
        refresh(regionsFor(['*']));
      });
  });

  connect();
})();
`;
