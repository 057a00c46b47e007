// A plain origin written against @fanoutio/grip exactly as its README shows: it checks Grip-Sig,
// answers with GRIP instructions, and publishes through the library's Publisher.
import http from 'node:http';
import {
  GripInstruct, Item, Publisher, WebSocketContext, WebSocketMessageFormat,
  decodeWebSocketEvents, encodeWebSocketEvents,
} from '@fanoutio/grip';

const [port, publishPort, sigKey] = process.argv.slice(2);
const publisher = new Publisher({
  control_uri: `http://127.0.0.1:${publishPort}/`,
  verify_key: sigKey,
});

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://origin');
  const { isProxied, isSigned } = await publisher.validateGripSig(req.headers['grip-sig'] ?? null);
  if (url.pathname === '/publish') {
    const msg = url.searchParams.get('msg');
    await publisher.publishHttpStream('js', msg + '\n');
    await publisher.publishHttpResponse('js', msg + '\n');
    await publisher.publish('js', new Item(new WebSocketMessageFormat(msg)));
    res.end('ok\n');
    return;
  }
  if (!isProxied || !isSigned) {
    res.writeHead(403);
    res.end('not behind a verified GRIP proxy\n');
    return;
  }
  if (url.pathname === '/ws' && req.method === 'POST') {
    // WebSocket-over-HTTP, as js-grip documents it: accept, subscribe, echo.
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const events = decodeWebSocketEvents(new Uint8Array(Buffer.concat(chunks)));
    const ws = new WebSocketContext(req.headers['connection-id'], {}, events);
    if (ws.isOpening()) {
      ws.accept();
      ws.subscribe('js');
      ws.send('welcome');
    }
    while (ws.canRecv()) {
      const message = ws.recv();
      if (message === null) {
        ws.close();
        break;
      }
      ws.send('echo: ' + message);
    }
    res.writeHead(200, ws.toHeaders());
    res.end(Buffer.from(encodeWebSocketEvents(ws.getOutgoingEvents())));
    return;
  }
  const instruct = new GripInstruct('js');
  if (url.pathname === '/stream') {
    instruct.setHoldStream();
    res.writeHead(200, instruct.toHeaders({ 'Content-Type': 'text/plain' }));
    res.end('js stream open\n');
  } else if (url.pathname === '/sse') {
    instruct.setHoldStream();
    instruct.setKeepAlive(':\n\n', 20);
    res.writeHead(200, instruct.toHeaders({ 'Content-Type': 'text/event-stream' }));
    res.end();
  } else if (url.pathname === '/poll') {
    instruct.setHoldLongPoll(20);
    res.writeHead(200, instruct.toHeaders({ 'Content-Type': 'text/plain' }));
    res.end('poll timeout\n');
  } else {
    res.writeHead(404);
    res.end();
  }
});
server.listen(Number(port), '127.0.0.1');
