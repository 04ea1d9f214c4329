// tasuke dashboard: says when new questions arrive (without reloading over a
// half-written answer) and counts the characters of a draft's body.
(() => {
  'use strict';
  const queue = document.getElementById('queue');
  if (queue) {
    const shown = Number(queue.dataset.openCount ?? '0');
    const banner = queue.querySelector('.new-items');
    setInterval(async () => {
      try {
        const res = await fetch('/api/ta/escalations', { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
        if (!res.ok) return;
        const d = await res.json();
        if (banner && d.open.length > shown) banner.hidden = false;
      } catch { /* offline for a moment */ }
    }, 15000);
  }
  for (const area of document.querySelectorAll('.draft-form textarea[name="body"]')) {
    const counter = area.closest('label')?.querySelector('.counter');
    const update = () => { if (counter) counter.textContent = `${area.value.trim().length} / ${counter.dataset.max}`; };
    area.addEventListener('input', update);
    update();
  }
})();
