// Performance test: ten virtual users load the home page for a minute. The test fails when more
// than 1 % of requests fail or the 95th percentile is slower than 500 ms.
// TARGET_URL is the deployment's URL from Keptn's event.
import http from 'k6/http';
import { sleep } from 'k6';

export const options = {
  vus: 10,
  duration: '60s',
  thresholds: {
    http_req_failed: ['rate<0.01'],
    http_req_duration: ['p(95)<500'],
  },
};

const base = (__ENV.TARGET_URL || 'http://localhost:8080').replace(/\/+$/, '');

export default function () {
  http.get(`${base}/`);
  sleep(0.5);
}
