"""In front of anymail: records every try of a batch, and refuses the first N tries of each with a 500."""
import os
import threading

from django.http import HttpResponse

from . import journal

_lock = threading.Lock()
_tries = {}


class RecordAndFailFirstTries:
    def __init__(self, get_response):
        self.get_response = get_response
        self.fail_first = int(os.environ.get("CONSUMER_FAIL_FIRST_TRIES", "0"))

    def __call__(self, request):
        batch_id = request.headers.get("X-MessageSystems-Batch-ID")
        with _lock:
            _tries[batch_id] = _tries.get(batch_id, 0) + 1
            tries = _tries[batch_id]
        if tries <= self.fail_first:
            response = HttpResponse("not yet (try %d)" % tries, status=500)
        else:
            journal.current.batch_id = batch_id
            try:
                response = self.get_response(request)
            finally:
                journal.current.batch_id = None
        journal.append("CONSUMER_ATTEMPTS_FILE", {
            "batch_id": batch_id, "try": tries, "status": response.status_code, "path": request.path,
        })
        return response
