"""Write the site part of deploy/varnish/folio.vcl: app servers, purgers, host.

    manage.py write_varnish_site --backend 10.0.0.11:8000 --backend 10.0.0.12:8000 \\
        --purger 10.0.0.0/24 --output /etc/varnish/folio-site.vcl

The host is FOLIO_SITE_URL's. folio.vcl includes the file by name, so keep it
next to folio.vcl or on varnishd's vcl_path.
"""

import ipaddress
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

TEMPLATE = """\
# Written by `manage.py write_varnish_site`; included by folio.vcl.
{backends}

sub vcl_init {{
    new app = directors.round_robin();
{members}
}}

# Who may purge: the app servers and their purgers.
acl purgers {{
{purgers}
}}

sub folio_site {{
    if (std.tolower(regsub(req.http.host, ":(80|443)$", "")) != "{host}") {{
        return (synth(400, "Unknown host"));
    }}
    set req.http.host = "{host}";
}}
"""

BACKEND = """\
backend app_{number} {{
    .host = "{host}";
    .port = "{port}";
    .host_header = "{site_host}";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
    .between_bytes_timeout = 10s;
    # Sick only when /healthz has not answered within 10 s five times in
    # the last six: a server busy with a spike queues the probe behind its
    # readers' requests, and a tighter probe would make Varnish answer 503
    # to every miss just when the server is needed most.
    .probe = {{
        .request = "GET /healthz HTTP/1.1" "Host: {site_host}" "Connection: close";
        .interval = 5s;
        .timeout = 10s;
        .window = 6;
        .threshold = 2;
        .initial = 2;
    }}
}}"""


class Command(BaseCommand):
    help = "Write the VCL naming this site's app servers, purgers and host."

    def add_arguments(self, parser):
        parser.add_argument(
            "--backend",
            action="append",
            required=True,
            help="An app server as host:port; repeat for each.",
        )
        parser.add_argument(
            "--purger",
            action="append",
            default=[],
            help="An address or network allowed to purge (default: the backends).",
        )
        parser.add_argument("--site-host", help="Default: FOLIO_SITE_URL's host.")
        parser.add_argument("--output", help="Default: standard output.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Print the VCL, write nothing."
        )

    def handle(self, *args, backend, purger, site_host, output, dry_run, **options):
        site_host = (site_host or urlsplit(settings.FOLIO_SITE_URL).netloc).lower()
        site_host = site_host.removesuffix(":80").removesuffix(":443")
        if not site_host or '"' in site_host:
            raise CommandError("Give the site's host name (--site-host).")
        servers = [_host_port(value) for value in backend]
        purgers = [_network(value) for value in purger or [h for h, _ in servers]]
        vcl = TEMPLATE.format(
            backends="\n\n".join(
                BACKEND.format(number=n, host=h, port=p, site_host=site_host)
                for n, (h, p) in enumerate(servers, 1)
            ),
            members="\n".join(
                f"    app.add_backend(app_{n});" for n in range(1, len(servers) + 1)
            ),
            purgers="\n".join(_acl_entry(value) for value in purgers),
            host=site_host,
        )
        if output and not dry_run:
            with open(output, "w") as out:
                out.write(vcl)
            if options["verbosity"] > 0:
                self.stdout.write(f"Wrote {output}.")
        else:
            self.stdout.write(vcl, ending="")


def _host_port(value):
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit() or not re.fullmatch(r"[\w.:-]+", host):
        raise CommandError(f"A backend is host:port, not {value!r}.")
    return host, int(port)


def _network(value):
    try:
        return str(ipaddress.ip_network(value, strict=False))
    except ValueError as error:
        raise CommandError(f"{value!r} is not an IP address or network.") from error


def _acl_entry(network):
    address, _, length = network.partition("/")
    full = "32" if ":" not in address else "128"
    if length == full:
        return f'    "{address}";'
    return f'    "{address}"/{length};'
