// Functional test: one virtual user checks that the service under test answers on its home page.
// TARGET_URL is the deployment's URL from Keptn's event. A failed check or request crosses a
// threshold, which fails the test.
import http from 'k6/http';
import { check, sleep } from 'k6';

export const options = {
  vus: 1,
  duration: '15s',
  thresholds: {
    checks: ['rate==1'],
    http_req_failed: ['rate==0'],
  },
};

const base = (__ENV.TARGET_URL || 'http://localhost:8080').replace(/\/+$/, '');

export default function () {
  const res = http.get(`${base}/`);
  check(res, { 'home page answers 200': (r) => r.status === 200 });
  sleep(1);
}
