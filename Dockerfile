FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends gettext curl && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# collectstatic with the production storage (manifest); build-time placeholders satisfy the
# production settings guard, the real values come from the environment at run time.
RUN DEBUG=True python manage.py compilemessages --ignore=.venv >/dev/null \
 && DEBUG=False SECRET_KEY=build ALLOWED_HOSTS=build DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    REDIS_URL=redis://build:6379/0 EMAIL_URL=consolemail:// M365_CLIENT_ID=build \
    M365_CLIENT_SECRET=build M365_REDIRECT_URI=https://build/ \
    TOKEN_ENCRYPTION_KEYS=ZGVtby1vbmx5LWtleS1kby1ub3QtdXNlLWluLXByb2Q= \
    python manage.py collectstatic --noinput >/dev/null
RUN useradd --create-home ebms && mkdir -p var && chown -R ebms /app/var
USER ebms
EXPOSE 8000
CMD ["gunicorn", "ebms.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
