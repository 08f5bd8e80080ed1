import type { Transport } from '../edge/kernel/push/push.ts'

/** A push transport that records the endpoints it was asked to reach instead of sending anything. */
export function recorder() {
  const calls: string[] = []
  const transport = (async (subscription: { endpoint: string }) => {
    calls.push(subscription.endpoint)
    return { statusCode: 201, body: '', headers: {} }
  }) as unknown as Transport
  return { calls, transport }
}
