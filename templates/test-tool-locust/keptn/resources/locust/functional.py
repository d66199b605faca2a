"""Functional test: each user checks that the service under test answers on its home page.

The host is the deployment's URL from Keptn's event; users and run time are set where Locust
is started (job/config.yaml, or the service's LOCUST_* settings). A failed request fails the test.
"""
from locust import HttpUser, between, task


class FunctionalUser(HttpUser):
    wait_time = between(0.5, 1)

    @task
    def home_page(self):
        self.client.get("/")
