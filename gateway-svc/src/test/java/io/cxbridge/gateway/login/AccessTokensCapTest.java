package io.cxbridge.gateway.login;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxbridge.gateway.auth.GatewayClient;
import io.cxbridge.gateway.auth.KeysFile;
import io.cxbridge.testkit.MutableClock;
import io.cxbridge.testkit.RedisClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A client's live access tokens stay within the cap, against a real redis-server, each test with a client of its own. */
class AccessTokensCapTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @RegisterExtension
    static final RedisClient REDIS = new RedisClient();

    private static SdkGatewayConfig capped(int cap) {
        return new SdkGatewayConfig() {
            @Override
            public String loginPath() {
                return "/login";
            }

            @Override
            public Duration tokenLifetime() {
                return Duration.ofHours(24);
            }

            @Override
            public int maxTokensPerClient() {
                return cap;
            }

            @Override
            public Optional<String> apiPrefix() {
                return Optional.empty();
            }
        };
    }

    private static GatewayClient client() {
        return new GatewayClient("cap-" + UUID.randomUUID(), Set.of(), List.of(), 100);
    }

    private static boolean stored(String token) {
        return REDIS.api()
                        .exists(List.of("cxbridge:gateway:token:" + KeysFile.sha256(token)))
                        .await()
                        .atMost(WAIT)
                        .toLong()
                == 1;
    }

    private static long indexed(GatewayClient client) {
        return REDIS.api()
                .zcard("cxbridge:gateway:tokens:" + client.id())
                .await()
                .atMost(WAIT)
                .toLong();
    }

    @Test
    void aLoginPastTheCapRevokesTheClientsOldestTokens() {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-07T00:00:00Z"));
        AccessTokens tokens = new AccessTokens(REDIS.api(), null, capped(3), clock);
        GatewayClient client = client();
        GatewayClient other = client();
        String othersToken = tokens.issue(other, "h").await().atMost(WAIT).accessToken();

        List<String> issued = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            // a millisecond apart: tokens issued in the same millisecond expire together, and either may go first
            clock.advance(Duration.ofMillis(1));
            issued.add(tokens.issue(client, "h").await().atMost(WAIT).accessToken());
        }

        assertThat(issued.subList(0, 2)).as("the two oldest are revoked").noneMatch(AccessTokensCapTest::stored);
        assertThat(issued.subList(2, 5)).as("the three newest still work").allMatch(AccessTokensCapTest::stored);
        assertThat(indexed(client)).isEqualTo(3);
        assertThat(stored(othersToken))
                .as("another client's token is not touched")
                .isTrue();
        assertThat(indexed(other)).isEqualTo(1);
    }

    @Test
    void aRevokedTokenLeavesTheIndexSoItNoLongerCountsAgainstTheCap() {
        Clock clock = Clock.fixed(Instant.parse("2026-12-07T00:00:00Z"), ZoneOffset.UTC);
        AccessTokens tokens = new AccessTokens(REDIS.api(), null, capped(2), clock);
        GatewayClient client = client();
        String first = tokens.issue(client, "h").await().atMost(WAIT).accessToken();
        String second = tokens.issue(client, "h").await().atMost(WAIT).accessToken();

        assertThat(tokens.revoke(second).await().atMost(WAIT)).isTrue();
        assertThat(indexed(client)).isEqualTo(1);
        String third = tokens.issue(client, "h").await().atMost(WAIT).accessToken();

        assertThat(stored(first))
                .as("still within the cap of 2: nothing pushed out")
                .isTrue();
        assertThat(stored(third)).isTrue();
        assertThat(tokens.revoke(second).await().atMost(WAIT))
                .as("revoked once")
                .isFalse();
    }

    @Test
    void expiredTokensLeaveTheIndexAtTheNextLogin() {
        GatewayClient client = client();
        Instant start = Instant.parse("2026-12-07T00:00:00Z");
        AccessTokens early = new AccessTokens(REDIS.api(), null, capped(2), Clock.fixed(start, ZoneOffset.UTC));
        early.issue(client, "h").await().atMost(WAIT);
        early.issue(client, "h").await().atMost(WAIT);

        // A day and a bit later both have expired (by their scores); a new login finds room without pushing any out.
        AccessTokens later = new AccessTokens(
                REDIS.api(), null, capped(2), Clock.fixed(start.plus(Duration.ofHours(25)), ZoneOffset.UTC));
        later.issue(client, "h").await().atMost(WAIT);
        assertThat(indexed(client)).isEqualTo(1);
    }
}
