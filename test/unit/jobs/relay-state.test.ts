// RelayState's digests on real Redis: one digest per channel takes events for a minute at most, counts each
// event once, and an event is delivered only once a message showing it is recorded.
import { afterAll, expect, it } from 'vitest';
import { DIGEST_MAX_AGE_MS, RelayState } from '../../../src/jobs/relay-state.js';
import { clearPrefix, testRedis, uniquePrefix } from '../../helpers/redis.js';

const redis = testRedis();
const prefix = uniquePrefix('relay-state');
const state = new RelayState(redis, prefix);
afterAll(async () => {
  await clearPrefix(redis, prefix);
  redis.disconnect();
});

it('opens a fresh digest once the open one is a minute old, however steady the trickle', async () => {
  const t0 = 1_800_000_000_000;
  const first = await state.fold('C1', 'e1', 'meeting.started', 'one', t0);
  expect(await state.fold('C1', 'e2', 'meeting.started', 'two', t0 + 30_000)).toBe(first);
  expect(await state.fold('C1', 'e3', 'meeting.started', 'three', t0 + DIGEST_MAX_AGE_MS - 1)).toBe(first);
  const second = await state.fold('C1', 'e4', 'meeting.ended', 'four', t0 + DIGEST_MAX_AGE_MS);
  expect(second).not.toBe(first);
  expect(await state.currentDigest('C1')).toBe(second);
  expect(await state.digest('C1', second)).toMatchObject({ counts: { 'meeting.ended': 1 }, lines: ['four'], since: t0 + DIGEST_MAX_AGE_MS, unshown: ['e4'] });
  // The old digest keeps what it took until a message shows it.
  expect((await state.digest('C1', first)).unshown.sort()).toEqual(['e1', 'e2', 'e3']);
});

it('counts a refolded event once, leaves it to the digest (a retry never posts it alone), and shows it delivered with the digest', async () => {
  const id = await state.fold('C2', 'e1', 'user.signed_in', 'a', 1);
  await state.fold('C2', 'e1', 'user.signed_in', 'a', 2);
  expect((await state.digest('C2', id)).counts).toEqual({ 'user.signed_in': 1 });
  // Handled in this channel (the relay's retry for another channel skips it here), not yet in Slack: still unshown.
  expect(await state.postedIn('e1', 'C2')).toBe(`folded:${id}`);
  expect((await state.digest('C2', id)).unshown).toEqual(['e1']);
  expect(await state.postedIn('e1', 'C3')).toBeNull();
  const claim = await state.claimDigestMessage('C2', id);
  expect(claim).toBeDefined();
  expect(await state.claimDigestMessage('C2', id)).toBeUndefined();
  await state.releaseDigestClaim('C2', id, 'pending:someone-else');
  expect(await state.claimDigestMessage('C2', id)).toBeUndefined();
  await state.releaseDigestClaim('C2', id, claim!.token);
  expect(await state.claimDigestMessage('C2', id)).toBeDefined();
  await state.setDigestMessage('C2', id, '123.000100');
  await state.markShown('C2', id, ['e1'], '123.000100');
  expect(await state.postedIn('e1', 'C2')).toBe('123.000100');
  expect((await state.digest('C2', id)).unshown).toEqual([]);
});

it('claims an event’s post before it is made: a live try makes others wait, a try past its lease is in doubt, a refused one is not', async () => {
  const slot = state.alertSlot('ev-1', 'C4');
  const first = await slot.claim(60_000);
  expect(first).toMatchObject({ kind: 'claimed' });
  expect(first).not.toHaveProperty('inDoubtSince');
  // A second run (a stalled job's) while the first try may still be under way.
  const busy = await slot.claim(60_000);
  expect(busy.kind).toBe('busy');
  expect(busy.kind === 'busy' && busy.retryInMs).toBeGreaterThan(50_000);
  // The first try's lease is over and its outcome was never recorded: the next try knows it is in doubt, and since when.
  const before = Date.now();
  const again = await slot.claim(0);
  expect(again.kind === 'claimed' && again.inDoubtSince).toBeGreaterThan(before - 5_000);
  // Slack refused this try: nothing was posted, so the next one needs no search.
  await slot.release(again.kind === 'claimed' ? again.token : '');
  const clean = await slot.claim(60_000);
  expect(clean.kind === 'claimed' && 'inDoubtSince' in clean).toBe(false);
  await state.recordPost('ev-1', 'C4', '123.000200');
  expect(await slot.claim(60_000)).toEqual({ kind: 'done', value: '123.000200' });
  expect(await state.postedIn('ev-1', 'C4')).toBe('123.000200');
});

it('remembers a digest message’s try whose outcome is unknown, and forgets one Slack refused', async () => {
  const id = await state.fold('C5', 'e1', 'user.signed_in', 'a', Date.now());
  const first = await state.claimDigestMessage('C5', id);
  expect(first).toBeDefined();
  expect(first).not.toHaveProperty('inDoubtSince');
  await state.releaseDigestClaim('C5', id, first!.token, 'unknown');
  const second = await state.claimDigestMessage('C5', id);
  expect(second?.inDoubtSince).toBeGreaterThan(Date.now() - 60_000);
  await state.setDigestMessage('C5', id, '124.000100');
  expect((await state.digest('C5', id)).ts).toBe('124.000100');
  const other = await state.fold('C6', 'e2', 'user.signed_in', 'b', Date.now());
  const refused = await state.claimDigestMessage('C6', other);
  await state.releaseDigestClaim('C6', other, refused!.token, 'no');
  expect(await state.claimDigestMessage('C6', other)).not.toHaveProperty('inDoubtSince');
});

it('takes a registrant decided from the digest off its session’s waiting count once, however often it is decided', async () => {
  const session = 'meeting:1234567890';
  const waiting = (r: string) => ({ waiting: { k: 'meeting' as const, s: '1234567890', r } });
  const id = await state.fold('C5', 'reg-a', 'meeting.registration_created', 'a', 1, session, waiting('ra'));
  await state.fold('C5', 'reg-b', 'meeting.registration_created', 'b', 2, session, waiting('rb'), id);
  expect((await state.digest('C5', id)).pending).toEqual({ [session]: 2 });
  await state.decide('C5', id, session, 'ra', { action: 'approve', by: 'U1' });
  expect((await state.digest('C5', id)).pending).toEqual({ [session]: 1 });
  // A second admin's click on the same registrant changes who decided, not the count.
  await state.decide('C5', id, session, 'ra', { action: 'deny', by: 'U2' });
  expect(await state.digest('C5', id)).toMatchObject({ pending: { [session]: 1 }, decided: { ra: { action: 'deny', by: 'U2' } } });
  await state.decide('C5', id, session, 'rb', { action: 'deny', by: 'U1' });
  expect((await state.digest('C5', id)).pending).toEqual({ [session]: 0 });
  // A digest past its keep (its count gone) gets no count back from a late click.
  await redis.del(`{${prefix}:relay}:digest:C5:${id}:pending`);
  await state.decide('C5', id, session, 'rc', { action: 'approve', by: 'U1' });
  expect((await state.digest('C5', id)).pending).toEqual({});
});
