// The browser client: the Tickspace SDK's browser build (copied here by `npm start`), a live
// cache of the public tables, and the reducers as typed calls.
import { connect } from './tickspace-client.js';

const $ = (id) => document.getElementById(id);
const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
const token = localStorage.getItem('token') ?? undefined;
const conn = await connect({ url, token });
localStorage.setItem('token', conn.token);
$('status').textContent = `connected as ${conn.identity.slice(0, 8)}`;

await Promise.all([conn.subscribe({ table: 'player' }).applied, conn.subscribe({ table: 'round' }).applied]);
const render = () => {
  const players = [...conn.db.player.iter()].sort((a, b) => b.points - a.points);
  $('players').replaceChildren(
    ...players.map((p) => {
      const li = document.createElement('li');
      li.textContent = `${p.name}: ${p.points}`;
      if (p.id === conn.identity) li.className = 'me';
      return li;
    }),
  );
  const round = conn.db.round.find(0);
  $('round').textContent = String(round?.number ?? '?');
  $('leader').textContent = round?.leader || '-';
  $('score').disabled = !conn.db.player.has(conn.identity);
  $('join').hidden = conn.db.player.has(conn.identity);
};
for (const table of [conn.db.player, conn.db.round]) {
  table.onInsert(render);
  table.onUpdate(render);
  table.onDelete(render);
}
render();

$('join').addEventListener('submit', (e) => {
  e.preventDefault();
  conn.reducers.join({ name: $('name').value }).catch((err) => ($('status').textContent = err.message));
});
$('score').addEventListener('click', () =>
  conn.reducers.score({}).catch((err) => ($('status').textContent = err.message)),
);
