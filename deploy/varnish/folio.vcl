# Varnish in front of Folio's app servers (Varnish 7, varnish-modules' xkey).
#
# Stores only what Folio marks as storable: public pages for readers who are
# not signed in, with s-maxage and an xkey header naming the surrogate keys of
# what the page shows (publications.caching.shared_caches). Folio purges by
# key on every public change (PURGE with an xkey header, from the app servers
# only). Anything with a session, every POST, the admin and every response
# that sets a cookie goes to the app servers and is never stored. See
# deploy/README.md.
vcl 4.1;

import std;
import directors;
import xkey;

# Written for each deployment by `manage.py write_varnish_site`: the app
# servers (director "app"), the ACL "purgers" and the site's host name
# (sub folio_site).
include "folio-site.vcl";

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey) {
            return (synth(400, "No xkey header"));
        }
        set req.http.X-Purged = xkey.purge(req.http.xkey);
        return (synth(200, "Purged " + req.http.X-Purged));
    }
    # One site: a request for any other host is refused, and the host the
    # app servers see (and Varnish keys on) is always the same.
    call folio_site;
    set req.backend_hint = app.backend();
    unset req.http.X-Forwarded-Host;

    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.url ~ "^/admin/") {
        return (pass);
    }
    # A session (sessionid is Django's SESSION_COOKIE_NAME) is someone signed
    # in, or on the way to it: their pages are theirs. A csrftoken alone is
    # no session and identifies no one, so it is dropped with every other
    # cookie: public pages never read cookies.
    if (req.http.Cookie ~ "(^|;\s*)sessionid=") {
        return (pass);
    }
    unset req.http.Cookie;
    unset req.http.Authorization;

    # Keep only the query parameters public pages read (PAGE_PARAMETERS in
    # publications/caching/pages.py), in one order, so that no made-up
    # parameter makes a new object or reaches the page.
    if (req.url ~ "\?") {
        set req.url = regsuball(req.url,
            "([?&])(?!(author|p|page|q|series|sort|topic|type|year)=)[^&]*", "\1");
        set req.url = regsuball(req.url, "&&+", "&");
        set req.url = regsub(req.url, "\?&", "?");
        set req.url = regsub(req.url, "[?&]+$", "");
        set req.url = std.querysort(req.url);
    }
    return (hash);
}

sub vcl_hash {
    # The host is normalised above: the URL names a page, and the scheme
    # the TLS terminator reports (plain HTTP is redirected, never stored).
    hash_data(req.url);
    if (req.http.X-Forwarded-Proto) {
        hash_data(req.http.X-Forwarded-Proto);
    }
    return (lookup);
}

sub vcl_backend_response {
    if (bereq.uncacheable) {
        return (deliver);
    }
    # Static files (hashed names, long max-age from WhiteNoise).
    if (bereq.url ~ "^/static/" && beresp.status == 200 && !beresp.http.Set-Cookie) {
        return (deliver);
    }
    # Only what Folio marked, and never a response that sets a cookie; the
    # rest is fetched afresh for each request for a while (hit-for-miss).
    if (beresp.status != 200 || !beresp.http.xkey || beresp.http.Set-Cookie
            || beresp.http.Cache-Control !~ "s-maxage=[1-9]") {
        set beresp.uncacheable = true;
        set beresp.ttl = 10s;
        return (deliver);
    }
    # The TTL is the page's s-maxage. No grace: a page past it is not
    # served while a new one is fetched, so s-maxage bounds how long a page
    # outlives a purge that never arrived.
    set beresp.grace = 0s;
    return (deliver);
}

sub vcl_deliver {
    unset resp.http.xkey;
    unset resp.http.Via;
    if (obj.uncacheable) {
        set resp.http.X-Varnish-Cache = "pass";
    } elsif (obj.hits > 0) {
        set resp.http.X-Varnish-Cache = "hit";
    } else {
        set resp.http.X-Varnish-Cache = "miss";
    }
}
