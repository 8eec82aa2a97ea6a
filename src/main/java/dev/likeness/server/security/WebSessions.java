package dev.likeness.server.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The web page's logins: a session id (32 random bytes) given for the server's token and kept in an HttpOnly,
 * SameSite=Strict cookie, so the token itself never sits in the browser's script-visible storage or in a URL.
 * Sessions live in memory (a restart asks to log in again), expire after {@link #LIFETIME}, and at most
 * {@link #MAX} are kept (the oldest go first).
 */
public final class WebSessions {
    public static final String COOKIE = "likeness_session";
    public static final Duration LIFETIME = Duration.ofHours(12);
    public static final int MAX = 64;
    private final Map<String, Instant> sessions = new LinkedHashMap<>();
    private final Clock clock;

    public WebSessions() {
        this(Clock.systemUTC());
    }

    WebSessions(Clock clock) {
        this.clock = clock;
    }

    /** A new session id. */
    public synchronized String open() {
        prune();
        while (sessions.size() >= MAX) {
            Iterator<String> oldest = sessions.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        String id = Tokens.newToken();
        sessions.put(id, clock.instant().plus(LIFETIME));
        return id;
    }

    /** Whether {@code id} is a live session (compared in constant time against each). */
    public synchronized boolean valid(String id) {
        prune();
        boolean found = false;
        for (String s : sessions.keySet()) {
            found |= Tokens.matches(s, id);
        }
        return found;
    }

    public synchronized void close(String id) {
        sessions.keySet().removeIf(s -> Tokens.matches(s, id));
    }

    /** The Set-Cookie value for a session ({@code null}: the cookie that logs out). */
    public static String cookie(String id) {
        return COOKIE + "=" + (id == null ? "" : id) + "; Path=/; HttpOnly; SameSite=Strict; Max-Age="
                + (id == null ? 0 : LIFETIME.toSeconds());
    }

    private void prune() {
        Instant now = clock.instant();
        sessions.values().removeIf(expiry -> !expiry.isAfter(now));
    }
}
