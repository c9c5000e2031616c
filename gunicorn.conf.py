"""Gunicorn's settings for the portal, read from the folder it starts in (the image's /app).

The access log names the path of each request and never its query string (`%(U)s`, not `%(r)s`)
nor the page it came from (the referrer carries the previous page's query): an admin search for
a child's name or a sign-in link's token would otherwise be written to the log.
"""

accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'
