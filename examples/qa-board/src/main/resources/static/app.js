// Live Q&A board: the page. Plain JavaScript, no build step.
//
// One WebSocket to Holdfast (which turns it into WebSocket-over-HTTP requests to the Java origin).
// The page sends JSON commands; the origin answers this socket directly ("you", "error", and the room
// state when joining) and publishes the whole room state to the room's channel after every change.
// Each state carries a version: the page keeps the newest, so states may arrive in any order.
// When the socket drops, the page reconnects by itself and joins again, which brings back the state.
'use strict';

(() => {
  const THEMES = [
    ['indigo', 'Indigo', '#4f46e5'], ['teal', 'Teal', '#0f766e'], ['rose', 'Rose', '#be123c'],
    ['amber', 'Amber', '#b45309'], ['forest', 'Forest', '#15803d'], ['ocean', 'Ocean', '#0369a1'],
    ['violet', 'Violet', '#7c3aed'], ['slate', 'Slate', '#334155'],
  ];
  const RETRY_DELAYS_MS = [250, 500, 1000, 2000, 4000];
  const MAX_QUESTION = 280;

  const $ = (id) => document.getElementById(id);
  const store = {
    get: (k) => { try { return localStorage.getItem(k); } catch { return null; } },
    set: (k, v) => { try { localStorage.setItem(k, v); } catch { /* private mode */ } },
  };

  const app = {
    userId: store.get('qa.user') || newUserId(),
    joinRequest: null,   // {room, name, host} while in a room
    you: null,           // {member, name, host, voted}
    room: null,          // the latest room state
    ws: null,
    status: 'idle',
    attempt: 0,
    retryTimer: null,
    pausedUntil: 0,
    lastCommand: null,   // replayed once if the origin asks us to rejoin (it restarted and forgot the room)
    rejoining: false,
    rejoinedEpoch: null,
  };
  store.set('qa.user', app.userId);

  function newUserId() {
    if (crypto.randomUUID) return crypto.randomUUID();
    return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
  }

  // ---------------------------------------------------------------- connection

  function wsUrl() {
    return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws';
  }

  function connect() {
    clearTimeout(app.retryTimer);
    if (!app.joinRequest) return;
    setStatus(app.attempt === 0 && !app.room ? 'connecting' : 'reconnecting');
    let ws;
    try {
      ws = new WebSocket(wsUrl());
    } catch {
      scheduleReconnect();
      return;
    }
    app.ws = ws;
    ws.onopen = () => {
      send({ type: 'join', user: app.userId, ...app.joinRequest });
    };
    ws.onmessage = (e) => {
      let msg;
      try { msg = JSON.parse(e.data); } catch { return; }
      onMessage(msg);
    };
    ws.onclose = () => {
      if (app.ws !== ws) return;
      app.ws = null;
      if (app.joinRequest) scheduleReconnect();
    };
  }

  function scheduleReconnect() {
    setStatus('reconnecting');
    const base = RETRY_DELAYS_MS[Math.min(app.attempt, RETRY_DELAYS_MS.length - 1)];
    app.attempt++;
    const wait = Math.max(base + Math.random() * base * 0.3, app.pausedUntil - Date.now());
    clearTimeout(app.retryTimer);
    app.retryTimer = setTimeout(connect, wait);
  }

  function reconnectNow() {
    if (app.joinRequest && !app.ws && Date.now() >= app.pausedUntil) {
      app.attempt = 0;
      connect();
    }
  }

  function disconnect() {
    clearTimeout(app.retryTimer);
    const ws = app.ws;
    app.ws = null;
    if (ws) ws.close(1000, 'leaving');
  }

  function send(cmd) {
    if (app.ws && app.ws.readyState === WebSocket.OPEN) {
      app.ws.send(JSON.stringify(cmd));
      if (cmd.type !== 'join') app.lastCommand = cmd;
      return true;
    }
    toast('Not connected right now; reconnecting…');
    return false;
  }

  function setStatus(status) {
    app.status = status;
    const el = $('status');
    el.dataset.status = status;
    el.textContent = { live: 'Live', connecting: 'Connecting…', reconnecting: 'Reconnecting…' }[status] || '';
    document.documentElement.dataset.status = status;
  }

  // ---------------------------------------------------------------- messages

  function onMessage(msg) {
    switch (msg.type) {
      case 'you':
        app.rejoining = false;
        app.you = msg;
        if (msg.user && msg.user !== app.userId) { app.userId = msg.user; store.set('qa.user', msg.user); }
        store.set('qa.name', msg.name);
        renderYou();
        if (app.room) renderRoom(app.room);
        break;
      case 'state':
        onState(msg.room);
        break;
      case 'error':
        toast(msg.message);
        break;
      case 'rejoin':
        // The origin restarted and no longer knows this room: join again, then redo what it refused.
        if (app.rejoining) break;
        app.rejoining = true;
        send({ type: 'join', user: app.userId, ...app.joinRequest });
        if (app.lastCommand) send(app.lastCommand);
        break;
      default:
        break;
    }
  }

  function onState(room) {
    if (app.status !== 'live') setStatus('live');
    app.attempt = 0;
    const current = app.room;
    if (current && current.epoch === room.epoch && room.version <= current.version) return; // older news
    app.room = room;
    if (app.you && app.you.epoch !== room.epoch && app.rejoinedEpoch !== room.epoch) {
      // The origin restarted and someone else brought the room back: become a member of it again.
      app.rejoinedEpoch = room.epoch;
      send({ type: 'join', user: app.userId, ...app.joinRequest });
    }
    if (current && current.id === room.id) announceChanges(current, room);
    renderRoom(room);
    const url = new URL(location.href);
    if (url.searchParams.get('room') !== room.id) {
      url.searchParams.set('room', room.id);
      history.replaceState(null, '', url);
    }
  }

  function announceChanges(before, after) {
    const known = new Set(before.questions.map((q) => q.id));
    const mine = app.you && app.you.member;
    const fresh = after.questions.filter((q) => !known.has(q.id) && q.authorId !== mine);
    if (fresh.length === 1) announce(`New question from ${fresh[0].author}: ${fresh[0].text}`);
    else if (fresh.length > 1) announce(`${fresh.length} new questions`);
    if (before.title !== after.title) announce(`The room is now called ${after.title}`);
  }

  // ---------------------------------------------------------------- rendering

  function renderYou() {
    const you = app.you;
    $('me-name').textContent = you.name;
    $('me-host').hidden = !you.host;
    $('host-panel').hidden = !you.host;
  }

  function renderRoom(room) {
    document.body.dataset.theme = room.theme;
    const themeColor = (THEMES.find((t) => t[0] === room.theme) || THEMES[0])[2];
    document.querySelector('meta[name="theme-color"]').setAttribute('content', themeColor);
    document.title = `${room.title} · Live Q&A`;
    $('room-title').textContent = room.title;
    $('room-code').textContent = '#' + room.id;
    $('online').textContent = `${room.online} online`;

    const renameInput = $('room-name-input');
    if (document.activeElement !== renameInput) renameInput.value = room.title;
    for (const input of document.querySelectorAll('#theme-options input')) {
      input.checked = input.value === room.theme;
    }

    const open = room.questions.filter((q) => !q.answered);
    const answered = room.questions.filter((q) => q.answered);
    $('open-count').textContent = open.length;
    $('answered-count').textContent = answered.length;
    $('open-empty').hidden = open.length > 0;
    $('answered-section').hidden = answered.length === 0;
    reconcile($('open-list'), open);
    reconcile($('answered-list'), answered);
  }

  /** Updates a list in place (keeping open forms and focus), then animates moved items (FLIP). */
  function reconcile(list, questions) {
    const before = new Map();
    const existing = new Map();
    for (const li of list.children) {
      existing.set(li.dataset.id, li);
      before.set(li.dataset.id, li.getBoundingClientRect().top);
    }
    const wanted = new Set(questions.map((q) => q.id));
    for (const [id, li] of existing) {
      if (!wanted.has(id) && li.parentElement === list) li.remove();
    }
    let previous = null;
    for (const q of questions) {
      let li = existing.get(q.id);
      const isNew = !li;
      if (isNew) li = createQuestion(q.id);
      updateQuestion(li, q);
      const next = previous ? previous.nextSibling : list.firstChild;
      if (li !== next) list.insertBefore(li, next);
      if (isNew && list.dataset.rendered) {
        li.classList.add('fresh');
        li.addEventListener('animationend', () => li.classList.remove('fresh'), { once: true });
      }
      previous = li;
    }
    list.dataset.rendered = '1';
    if (matchMedia('(prefers-reduced-motion: reduce)').matches) return;
    for (const li of list.children) {
      const top = before.get(li.dataset.id);
      if (top === undefined) continue;
      const dy = top - li.getBoundingClientRect().top;
      if (Math.abs(dy) < 1) continue;
      li.animate([{ transform: `translateY(${dy}px)` }, { transform: 'none' }],
        { duration: 320, easing: 'cubic-bezier(.2,.8,.2,1)' });
    }
  }

  function createQuestion(id) {
    const li = $('question-template').content.firstElementChild.cloneNode(true);
    li.dataset.id = id;
    const uid = 'answer-' + id;
    li.querySelector('.answer-form textarea').id = uid;
    li.querySelector('.answer-form-label').htmlFor = uid;

    li.querySelector('.vote').addEventListener('click', (e) => {
      const btn = e.currentTarget;
      if (send({ type: 'upvote', id })) {
        btn.classList.add('bump');
        setTimeout(() => btn.classList.remove('bump'), 150);
      }
    });
    const form = li.querySelector('.answer-form');
    li.querySelector('.answer-button').addEventListener('click', () => {
      form.hidden = false;
      const q = app.room.questions.find((x) => x.id === id);
      form.querySelector('textarea').value = q ? q.answer : '';
      form.querySelector('textarea').focus();
    });
    li.querySelector('.answer-cancel').addEventListener('click', () => { form.hidden = true; });
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      if (send({ type: 'answer', id, text: form.querySelector('textarea').value })) form.hidden = true;
    });
    li.querySelector('.reopen-button').addEventListener('click', () => send({ type: 'reopen', id }));
    const del = li.querySelector('.delete-button');
    del.addEventListener('click', () => {
      // Two taps instead of confirm(): works the same on phones and does not block the page.
      if (!del.classList.contains('confirming')) {
        del.classList.add('confirming');
        del.textContent = 'Really delete?';
        setTimeout(() => { del.classList.remove('confirming'); del.textContent = 'Delete'; }, 4000);
        return;
      }
      send({ type: 'delete', id });
    });
    return li;
  }

  function updateQuestion(li, q) {
    const you = app.you || { member: '', host: false, voted: [] };
    const mine = q.authorId === you.member;
    const voted = mine || you.voted.includes(q.id);
    li.dataset.votes = q.votes;
    li.classList.toggle('mine', mine);
    li.classList.toggle('is-answered', q.answered);

    const vote = li.querySelector('.vote');
    vote.querySelector('.vote-count').textContent = q.votes;
    vote.setAttribute('aria-pressed', String(voted));
    vote.disabled = mine || q.answered;
    const votes = q.votes === 1 ? '1 vote' : `${q.votes} votes`;
    vote.setAttribute('aria-label', mine ? `Your question, ${votes}`
      : q.answered ? `Answered, ${votes}`
      : voted ? `Remove your upvote, ${votes}` : `Upvote, ${votes}`);
    vote.title = mine ? 'Your question starts with your vote' : q.answered ? 'Answered' : voted ? 'Remove your upvote' : 'Upvote';

    setText(li.querySelector('.question-text'), q.text);
    setText(li.querySelector('.question-author'), q.author);
    const time = li.querySelector('.question-time');
    time.dateTime = new Date(q.createdAt).toISOString();
    time.dataset.ts = q.createdAt;
    time.textContent = ago(q.createdAt);
    li.querySelector('.mine-badge').hidden = !mine;

    li.querySelector('.answer-box').hidden = !q.answered;
    setText(li.querySelector('.answer-text'), q.answer || '');

    li.querySelector('.host-actions').hidden = !you.host;
    li.querySelector('.answer-button').textContent = q.answered ? 'Edit answer' : 'Answer';
    li.querySelector('.reopen-button').hidden = !q.answered;
    li.querySelector('.answer-form button[type="submit"]').textContent = q.answered ? 'Save answer' : 'Mark answered';
    if (!you.host) li.querySelector('.answer-form').hidden = true;
  }

  function setText(el, text) {
    if (el.textContent !== text) el.textContent = text;
  }

  function ago(ts) {
    const s = Math.max(0, Math.round((Date.now() - ts) / 1000));
    if (s < 45) return 'just now';
    const m = Math.round(s / 60);
    if (m < 60) return m === 1 ? '1 min ago' : `${m} min ago`;
    const h = Math.round(m / 60);
    if (h < 24) return h === 1 ? '1 hour ago' : `${h} hours ago`;
    return new Date(ts).toLocaleDateString();
  }

  // ---------------------------------------------------------------- feedback

  let toastTimer = null;
  function toast(text) {
    const el = $('toast');
    el.textContent = text;
    el.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { el.hidden = true; }, 4000);
  }

  function announce(text) {
    const el = $('announcer');
    el.textContent = '';
    setTimeout(() => { el.textContent = text; }, 50);
  }

  // ---------------------------------------------------------------- views

  function enterRoom(req) {
    app.joinRequest = req;
    app.room = null;
    app.you = null;
    app.attempt = 0;
    store.set('qa.name', req.name);
    $('join-view').hidden = true;
    $('room-view').hidden = false;
    for (const list of [$('open-list'), $('answered-list')]) {
      list.replaceChildren();
      delete list.dataset.rendered;
    }
    $('room-title').textContent = req.room;
    $('me-name').textContent = req.name;
    connect();
  }

  function leaveRoom() {
    app.joinRequest = null;
    disconnect();
    app.room = null;
    app.you = null;
    setStatus('idle');
    document.body.dataset.theme = 'indigo';
    document.title = 'Live Q&A';
    const url = new URL(location.href);
    url.searchParams.delete('room');
    history.replaceState(null, '', url);
    $('room-view').hidden = true;
    $('join-view').hidden = false;
    $('join-room').value = '';
    $('join-room').focus();
  }

  function bind() {
    $('join-name').value = store.get('qa.name') || '';
    const params = new URLSearchParams(location.search);
    if (params.get('room')) $('join-room').value = params.get('room');
    if (params.get('host') === '1') $('join-host').checked = true;
    ($('join-name').value ? $('join-room').value ? $('join-name') : $('join-room') : $('join-name')).focus();

    $('join-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const name = $('join-name').value.trim();
      const room = $('join-room').value.trim();
      const error = $('join-error');
      if (!name || !room) {
        error.textContent = !name ? 'Please enter your name.' : 'Please enter a room name.';
        error.hidden = false;
        (!name ? $('join-name') : $('join-room')).focus();
        return;
      }
      error.hidden = true;
      enterRoom({ room, name, host: $('join-host').checked });
    });

    $('leave').addEventListener('click', leaveRoom);

    const askText = $('ask-text');
    const updateCount = () => {
      const left = MAX_QUESTION - [...askText.value].length;
      $('ask-count').textContent = left === 1 ? '1 character left' : `${left} characters left`;
    };
    askText.addEventListener('input', updateCount);
    askText.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) $('ask-form').requestSubmit();
    });
    $('ask-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const text = askText.value.trim();
      if (!text) { askText.focus(); return; }
      if (send({ type: 'ask', text })) { askText.value = ''; updateCount(); }
    });

    const nameForm = $('name-form');
    const toggleNameForm = (open) => {
      nameForm.hidden = !open;
      $('edit-name').setAttribute('aria-expanded', String(open));
      if (open) { $('name-input').value = app.you ? app.you.name : ''; $('name-input').focus(); }
    };
    $('edit-name').addEventListener('click', () => toggleNameForm(nameForm.hidden));
    $('name-cancel').addEventListener('click', () => toggleNameForm(false));
    nameForm.addEventListener('submit', (e) => {
      e.preventDefault();
      const name = $('name-input').value.trim();
      if (!name) return;
      if (send({ type: 'set-name', name })) {
        app.joinRequest.name = name;
        toggleNameForm(false);
      }
    });

    $('share').addEventListener('click', async () => {
      const url = new URL(location.href);
      url.search = '';
      if (app.room) url.searchParams.set('room', app.room.id);
      try {
        await navigator.clipboard.writeText(url.toString());
        toast('Link copied: share it to invite people.');
      } catch {
        toast(url.toString());
      }
    });

    $('rename-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const title = $('room-name-input').value.trim();
      if (title) send({ type: 'rename-room', title });
      $('room-name-input').blur();
    });

    const options = $('theme-options');
    for (const [value, label, color] of THEMES) {
      const wrap = document.createElement('label');
      wrap.className = 'swatch';
      wrap.style.setProperty('--swatch', color);
      const input = document.createElement('input');
      input.type = 'radio';
      input.name = 'theme';
      input.value = value;
      input.addEventListener('change', () => { if (input.checked) send({ type: 'theme', theme: value }); });
      const span = document.createElement('span');
      span.textContent = label;
      wrap.append(input, span);
      options.append(wrap);
    }

    // Phones suspend pages: come back promptly when the page or the network does.
    document.addEventListener('visibilitychange', () => { if (!document.hidden) reconnectNow(); });
    addEventListener('online', reconnectNow);
    setInterval(() => {
      for (const t of document.querySelectorAll('.question-time[data-ts]')) t.textContent = ago(Number(t.dataset.ts));
    }, 30000);

    if (document.body.hasAttribute('data-direct')) {
      $('direct-notice').hidden = false;
      const link = $('direct-link');
      link.href = `${location.protocol}//${location.hostname}:7999/`;
      link.textContent = link.href;
    }
  }

  // A small hook for the browser test and for trying things by hand in the console.
  window.qaBoard = {
    /** Drops the WebSocket as a network failure would; the page reconnects after pauseMs at the earliest. */
    drop(pauseMs = 0) {
      app.pausedUntil = Date.now() + pauseMs;
      if (app.ws) app.ws.close(4000, 'dropped by test hook');
    },
    get status() { return app.status; },
    get version() { return app.room ? app.room.version : 0; },
    get room() { return app.room; },
  };

  bind();
})();
