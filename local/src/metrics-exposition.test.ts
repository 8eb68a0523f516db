import { describe, expect, it } from 'vitest';
import { mergeExpositions } from './metrics-exposition.ts';

const auth = `# HELP http_requests_total HTTP requests.
# TYPE http_requests_total counter
http_requests_total{service="auth",status="200"} 3
# HELP process_resident_memory_bytes Resident memory.
# TYPE process_resident_memory_bytes gauge
process_resident_memory_bytes 100
`;
const chat = `# HELP http_requests_total HTTP requests.
# TYPE http_requests_total counter
http_requests_total{service="chat",status="200"} 5
# HELP process_resident_memory_bytes Resident memory.
# TYPE process_resident_memory_bytes gauge
process_resident_memory_bytes 104
# HELP zerochat_chat_replies_in_progress Replies.
# TYPE zerochat_chat_replies_in_progress gauge
zerochat_chat_replies_in_progress 0
`;

describe('mergeExpositions', () => {
  it('declares each family once, keeps every series, and a shared series once', () => {
    expect(mergeExpositions([auth, chat])).toBe(`# HELP http_requests_total HTTP requests.
# TYPE http_requests_total counter
http_requests_total{service="auth",status="200"} 3
http_requests_total{service="chat",status="200"} 5
# HELP process_resident_memory_bytes Resident memory.
# TYPE process_resident_memory_bytes gauge
process_resident_memory_bytes 100
# HELP zerochat_chat_replies_in_progress Replies.
# TYPE zerochat_chat_replies_in_progress gauge
zerochat_chat_replies_in_progress 0
`);
  });
});
