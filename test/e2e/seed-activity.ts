/** Touches, deals, extra managers and a weekly plan on top of seed.ts, through the public API. */
import { ADMIN, MARIA, PASSWORD, PETR, type seed, signIn } from './seed.ts';

const DAY = 86_400_000;
const KINDS = ['call', 'meeting', 'email', 'proposal'] as const;

export async function seedActivity(url: string, base: Awaited<ReturnType<typeof seed>>, extraManagers = 30) {
  const admin = await signIn(url, ADMIN.email, ADMIN.password);
  const asHead = await signIn(url, 'head@e2e.test', PASSWORD);
  const asPetr = await signIn(url, PETR.email, PASSWORD);
  const asMaria = await signIn(url, MARIA.email, PASSWORD);
  const now = Date.now();
  const ago = (days: number) => new Date(now - days * DAY).toISOString();

  // Petr's own client Юникс: calls and a meeting over the last weeks, a deal won, one open.
  for (const [i, days] of [40, 25, 12, 3].entries())
    await asPetr('POST', `/api/clients/${base.unixId}/touches`, {
      kind: KINDS[i % KINDS.length],
      outcome: i % 2 ? 'meeting_held' : 'reached',
      occurredAt: ago(days),
      body: `Касание ${i + 1}`,
    });
  const deal = await asPetr('POST', `/api/clients/${base.unixId}/deals`, {
    title: 'Эфир на Радио Самара, декабрь',
    amountKopecks: 45_000_000,
    stage: 'negotiation',
  });
  await asPetr('PATCH', `/api/deals/${deal.deal.id}`, { stage: 'won', signedAt: ago(1) });
  await asPetr('POST', `/api/clients/${base.unixId}/deals`, {
    title: 'Спонсорство прогноза погоды',
    amountKopecks: 12_000_000,
    stage: 'proposal',
  });

  // Мария: her two clients, one touched.
  await asMaria('POST', `/api/clients/${base.pool[6]}/touches`, {
    kind: 'call',
    outcome: 'reached',
    occurredAt: ago(5),
  });

  // A team big enough that the coverage bars scroll (more than 25 managers).
  const extra: number[] = [];
  for (let i = 0; i < extraManagers; i++) {
    const email = `m${i}@e2e.test`;
    const u = await admin('POST', '/api/users', {
      name: `Менеджер ${String(i + 1).padStart(2, '0')}`,
      email,
      password: PASSWORD,
      role: 'manager',
      hiredAt: '2024-01-10',
    });
    extra.push(u.id);
    const asM = await signIn(url, email, PASSWORD);
    for (let k = 0; k < 1 + (i % 3); k++) {
      const c = await asHead('POST', '/api/clients', { displayName: `Клиент ${i + 1}-${k + 1}` });
      await asM('POST', `/api/clients/${c.id}/claim`);
      if ((i + k) % 2 === 0)
        await asM('POST', `/api/clients/${c.id}/touches`, {
          kind: KINDS[(i + k) % KINDS.length],
          outcome: 'reached',
          occurredAt: ago(1 + ((i * 7 + k) % 80)),
        });
    }
  }
  return { extra };
}
