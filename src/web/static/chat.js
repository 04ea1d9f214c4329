// tasuke web chat: turns the page's forms into in-page requests, and follows
// training runs live (Server-Sent Events). All HTML comes rendered (and
// escaped) from the server; this script only places it and sets plain text.
(() => {
  'use strict';
  const csrf = document.querySelector('meta[name="csrf-token"]')?.content ?? '';
  const thread = document.getElementById('thread');
  const jobs = document.getElementById('jobs');

  async function post(url, body) {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify(body),
      credentials: 'same-origin',
    });
    let data = null;
    try { data = await res.json(); } catch { /* not JSON: handled below */ }
    if (!res.ok) throw new Error(data?.error?.message ?? `HTTP ${res.status}`);
    return data;
  }

  function fromHtml(markup) {
    const t = document.createElement('template');
    t.innerHTML = markup.trim();
    return t.content.firstElementChild;
  }

  function formData(form) {
    const out = {};
    for (const [k, v] of new FormData(form)) if (k !== '_csrf' && v !== '') out[k] = v;
    return out;
  }

  function showError(form, message) {
    let box = form.querySelector('.form-error');
    if (!box) {
      box = document.createElement('p');
      box.className = 'form-error error-text';
      box.setAttribute('role', 'alert');
      form.after(box);
    }
    box.textContent = message;
  }

  function statusOf(el) {
    return el.closest('.turn')?.querySelector('.status');
  }

  // --- live training progress ---
  const following = new Set();
  function follow(card) {
    const id = card?.dataset.jobId;
    if (!id || following.has(id)) return;
    if (card.dataset.state !== 'queued' && card.dataset.state !== 'running') return;
    following.add(id);
    const es = new EventSource(`/api/jobs/${encodeURIComponent(id)}/events`);
    const current = () => document.getElementById(`job-${id}`);
    es.addEventListener('progress', (ev) => {
      const d = JSON.parse(ev.data);
      const c = current();
      if (!c) return;
      const line = c.querySelector('.line');
      if (line) line.textContent = d.line;
      const bar = c.querySelector('progress');
      if (bar) { bar.max = d.total; bar.value = d.done; }
      c.dataset.state = 'running';
    });
    es.addEventListener('state', (ev) => {
      const d = JSON.parse(ev.data);
      const c = current();
      if (!c) return;
      c.dataset.state = d.state;
      const s = c.querySelector('.job-state');
      if (s) s.textContent = d.label;
      const line = c.querySelector('.line');
      if (line && d.line && !/\d\/\d/.test(line.textContent)) line.textContent = d.line;
    });
    es.addEventListener('done', (ev) => {
      const d = JSON.parse(ev.data);
      const c = current();
      if (c) c.replaceWith(fromHtml(d.html));
      es.close();
      following.delete(id);
    });
    es.onerror = () => {
      // The server went away or the run is gone: stop, the page still shows the last state.
      if (es.readyState === EventSource.CLOSED) following.delete(id);
    };
  }

  function addJob(markup) {
    const card = fromHtml(markup);
    if (jobs) {
      document.getElementById(card.id)?.remove();
      jobs.querySelector('.empty')?.remove();
      jobs.prepend(card);
    } else {
      document.querySelector('main')?.append(card);
    }
    card.scrollIntoView({ behavior: 'smooth', block: 'nearest' });
    follow(card);
  }

  // --- escalation status: poll while a TA is on the way ---
  let polling = null;
  function watchEscalation() {
    if (polling) return;
    polling = setInterval(async () => {
      try {
        const res = await fetch('/api/chat/status', { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
        const d = await res.json();
        const turns = thread?.querySelectorAll('.turn');
        const last = turns?.[turns.length - 1]?.querySelector('.status');
        if (last && d.status) last.textContent = d.status;
        if (d.state !== 'open' && d.state !== 'claimed') { clearInterval(polling); polling = null; }
      } catch { /* try again next time */ }
    }, 10000);
  }

  const handlers = {
    async ask(form) {
      const area = form.querySelector('textarea');
      const question = area.value.trim();
      if (!question) return;
      const data = await post(form.action, { question });
      thread.querySelector('.empty')?.remove();
      const turn = fromHtml(data.html);
      thread.append(turn);
      area.value = '';
      turn.scrollIntoView({ behavior: 'smooth', block: 'nearest' });
      if (data.escalation && (data.escalation.state === 'open' || data.escalation.state === 'claimed')) watchEscalation();
    },
    async feedback(form) {
      const value = form.querySelector('input[name="value"]').value;
      const data = await post(form.action, { value });
      const actions = form.closest('.actions');
      actions?.querySelectorAll('form[data-ajax="feedback"] button').forEach((b) => {
        const mine = b.closest('form').querySelector('input[name="value"]').value === data.value;
        b.classList.toggle('pressed', mine);
        b.setAttribute('aria-pressed', String(mine));
      });
      const s = statusOf(form);
      if (s) s.textContent = data.status ?? '';
      if (data.escalation) watchEscalation();
    },
    async 'ask-ta'(form) {
      const data = await post(form.action, {});
      const s = statusOf(form);
      if (s) s.textContent = data.status ?? '';
      watchEscalation();
    },
    async train(form) {
      const data = await post(form.action, formData(form));
      addJob(data.html);
    },
    async cancel(form) {
      const data = await post(form.action, {});
      const card = form.closest('.job');
      if (card) card.replaceWith(fromHtml(data.html));
    },
  };

  document.addEventListener('submit', async (ev) => {
    const form = ev.target;
    const kind = form?.dataset?.ajax;
    if (!kind || !handlers[kind]) return;
    ev.preventDefault();
    const button = form.querySelector('button[type="submit"]');
    const label = button?.textContent;
    if (button) { button.disabled = true; if (button.dataset.busy) button.textContent = button.dataset.busy; }
    form.querySelector('.form-error') && (form.querySelector('.form-error').textContent = '');
    try {
      await handlers[kind](form);
    } catch (err) {
      const s = kind === 'ask' || kind === 'train' ? null : statusOf(form);
      if (s) s.textContent = err.message; else showError(form, err.message);
    } finally {
      if (button) { button.disabled = false; button.textContent = label; }
    }
  });

  // Enter sends, Shift+Enter is a new line (as in chat apps).
  document.querySelector('#ask-form textarea')?.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      ev.target.form.requestSubmit();
    }
  });

  document.querySelectorAll('.job').forEach(follow);
  if (thread && (thread.dataset.escalation === 'open' || thread.dataset.escalation === 'claimed')) watchEscalation();
})();
