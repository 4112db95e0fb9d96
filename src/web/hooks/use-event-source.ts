import { useEffect, useRef, useState } from 'react';

export type StreamState = 'connecting' | 'live' | 'reconnecting';

/**
 * Listens to a server-sent event stream while mounted; the browser reconnects by itself after a
 * drop, and `state` says whether the figures on screen are live.
 */
export function useEventSource(
  url: string | undefined,
  onEvent: (type: string, data: unknown) => void,
  types: readonly string[],
): StreamState {
  const [state, setState] = useState<StreamState>('connecting');
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const typeKey = types.join(',');

  useEffect(() => {
    if (url === undefined) return;
    const source = new EventSource(url, { withCredentials: true });
    source.onopen = () => setState('live');
    source.onerror = () => setState('reconnecting');
    const listener = (event: MessageEvent<string>) => {
      let data: unknown;
      try {
        data = JSON.parse(event.data);
      } catch {
        data = event.data;
      }
      handler.current(event.type, data);
    };
    const names = typeKey.split(',').filter(Boolean);
    for (const name of names) source.addEventListener(name, listener);
    source.onmessage = listener;
    return () => source.close();
  }, [url, typeKey]);

  return state;
}
