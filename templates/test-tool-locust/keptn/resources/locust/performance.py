"""Performance test: users load the home page; a request slower than one second counts as failed.

The host is the deployment's URL from Keptn's event; users and run time are set where Locust
is started (job/config.yaml, or the service's LOCUST_* settings). Any failed request fails the test.
"""
from locust import HttpUser, between, task

SLOWEST_SECONDS = 1.0


class PerformanceUser(HttpUser):
    wait_time = between(0.1, 0.5)

    @task
    def home_page(self):
        with self.client.get("/", catch_response=True) as response:
            if response.elapsed.total_seconds() > SLOWEST_SECONDS:
                response.failure(f"slower than {SLOWEST_SECONDS} s")
