import type { Feed, PriceSource } from '../types.js';

/** The price series a single-input indicator reads. Composite sources allocate once per call, never per bar. */
export function priceSource(feed: Feed, source: PriceSource): Float64Array {
  switch (source) {
    case 'open':
    case 'high':
    case 'low':
    case 'close':
    case 'volume':
      return feed[source];
    case 'hl2':
    case 'hlc3':
    case 'ohlc4': {
      // One loop per source, so the choice is made once per call rather than once per bar.
      const n = feed.length;
      const out = new Float64Array(n);
      const { open, high, low, close } = feed;
      if (source === 'hl2') for (let i = 0; i < n; i++) out[i] = (high[i] + low[i]) / 2;
      else if (source === 'hlc3') for (let i = 0; i < n; i++) out[i] = (high[i] + low[i] + close[i]) / 3;
      else for (let i = 0; i < n; i++) out[i] = (open[i] + high[i] + low[i] + close[i]) / 4;
      return out;
    }
  }
}

export const PRICE_SOURCES: readonly PriceSource[] = ['open', 'high', 'low', 'close', 'volume', 'hl2', 'hlc3', 'ohlc4'];
