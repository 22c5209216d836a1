FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends gettext curl && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN DEBUG=True python manage.py compilemessages --ignore=.venv >/dev/null \
 && DEBUG=True python manage.py collectstatic --noinput >/dev/null
RUN useradd --create-home ebms && mkdir -p var && chown -R ebms /app/var
USER ebms
EXPOSE 8000
CMD ["gunicorn", "ebms.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
