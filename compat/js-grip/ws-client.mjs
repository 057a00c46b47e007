// Connects a WebSocket through Holdfast, checks the origin's greeting and echo, then waits for a
// published message. Exits 0 on success, 1 with a reason otherwise.
import WebSocket from 'ws';

const [url, publishUrl] = process.argv.slice(2);
const expected = ['welcome', 'echo: hi', 'published-to-ws'];
const seen = [];
const ws = new WebSocket(url);
const timer = setTimeout(() => { console.error('ws: timed out, saw', seen); process.exit(1); }, 15000);
ws.on('open', () => ws.send('hi'));
ws.on('message', async (data) => {
  seen.push(data.toString());
  if (seen.length === 2) {
    await fetch(publishUrl);
  }
  if (seen.length === expected.length) {
    clearTimeout(timer);
    const ok = expected.every((m, i) => seen[i] === m);
    console.log(ok ? 'ws: ok' : 'ws: unexpected ' + JSON.stringify(seen));
    ws.close();
    process.exit(ok ? 0 : 1);
  }
});
ws.on('error', (e) => { console.error('ws error', e.message); process.exit(1); });
