package io.holdfast.server.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class RouteTableTest {

    private static RouteTable table(String... lines) throws RouteSyntaxException {
        return RouteTable.of(RoutesParser.parse(String.join("\n", lines), "routes"));
    }

    /** The id of the route matched for a plain HTTP request without TLS. */
    private static String http(RouteTable table, String host, String path) {
        return id(table.match(host, path, false, false));
    }

    private static String id(Optional<Route> route) {
        return route.map(r -> r.id().orElse("?")).orElse("none");
    }

    @Test
    void prefersExactDomainOverWildcard() throws Exception {
        RouteTable table = table("*,id=any a:1", "example.com,id=exact b:2");

        assertThat(http(table, "example.com", "/")).isEqualTo("exact");
        assertThat(http(table, "other.com", "/")).isEqualTo("any");
    }

    @Test
    void doesNotFallBackToWildcardWhenDomainHasRoutesButNoneMatch() throws Exception {
        // Spec 5.3: if any route exists for the Host, only that domain's routes are candidates.
        RouteTable table = table("*,id=any a:1", "example.com,id=api,path_beg=/api/ b:2");

        assertThat(http(table, "example.com", "/api/x")).isEqualTo("api");
        assertThat(http(table, "example.com", "/other")).isEqualTo("none");
    }

    @Test
    void comparesHostCaseInsensitivelyAndIgnoresPort() throws Exception {
        RouteTable table = table("*,id=any a:1", "Example.COM,id=exact b:2");

        assertThat(http(table, "example.com:8080", "/")).isEqualTo("exact");
        assertThat(http(table, "EXAMPLE.com", "/")).isEqualTo("exact");
        assertThat(http(table, "example.co", "/")).isEqualTo("any");
        assertThat(http(table, "example.com.evil", "/")).isEqualTo("any");
    }

    @Test
    void matchesIpv6HostWithOrWithoutBracketsInTheRoute() throws Exception {
        RouteTable table = table("*,id=any a:1", "[::1],id=bracketed b:2", "fe80::1,id=bare c:3");

        assertThat(http(table, "[::1]:7999", "/")).isEqualTo("bracketed");
        assertThat(http(table, "[::1]", "/")).isEqualTo("bracketed");
        assertThat(http(table, "[FE80::1]:80", "/")).isEqualTo("bare");
        assertThat(http(table, "[::2]:80", "/")).isEqualTo("any");
    }

    @Test
    void usesWildcardRoutesWhenHostIsMissing() throws Exception {
        RouteTable table = table("*,id=any a:1", "example.com,id=exact b:2");

        assertThat(http(table, null, "/")).isEqualTo("any");
        assertThat(http(table, "", "/")).isEqualTo("any");
    }

    @Test
    void prefersRouteWithProtoEvenOverLongerPathBeg() throws Exception {
        RouteTable table = table("*,id=long,path_beg=/api/v1/ a:1", "*,id=ws,proto=ws b:2");

        assertThat(id(table.match("h", "/api/v1/x", false, true))).isEqualTo("ws");
        assertThat(id(table.match("h", "/api/v1/x", false, false))).isEqualTo("long");
    }

    @Test
    void matchesProtoAgainstWebSocketUpgrade() throws Exception {
        RouteTable table = table("*,id=http,proto=http a:1", "*,id=ws,proto=ws b:2");

        assertThat(id(table.match("h", "/", false, false))).isEqualTo("http");
        assertThat(id(table.match("h", "/", false, true))).isEqualTo("ws");
    }

    @Test
    void prefersLongerPathBeg() throws Exception {
        RouteTable table = table("*,id=root a:1", "*,id=api,path_beg=/api/ b:2",
                                 "*,id=v2,path_beg=/api/v2/ c:3");

        assertThat(http(table, "h", "/api/v2/items")).isEqualTo("v2");
        assertThat(http(table, "h", "/api/v1/items")).isEqualTo("api");
        assertThat(http(table, "h", "/apix")).isEqualTo("root");
        assertThat(http(table, "h", "/")).isEqualTo("root");
    }

    @Test
    void prefersRouteWithSslOnlyWhenPathBegIsEqual() throws Exception {
        RouteTable table = table("*,id=plain a:1", "*,id=tls,ssl=yes b:2",
                                 "*,id=api,path_beg=/api/ c:3");

        assertThat(id(table.match("h", "/", true, false))).isEqualTo("tls");
        assertThat(id(table.match("h", "/", false, false))).isEqualTo("plain");
        assertThat(id(table.match("h", "/api/x", true, false))).isEqualTo("api");
    }

    @Test
    void matchesSslNoOnlyWithoutTls() throws Exception {
        RouteTable table = table("*,id=cleartext,ssl=no a:1");

        assertThat(id(table.match("h", "/", false, false))).isEqualTo("cleartext");
        assertThat(id(table.match("h", "/", true, false))).isEqualTo("none");
    }

    @Test
    void skipsSecondRouteWithIdenticalConditionAndWarns() throws Exception {
        RouteTable table = table("example.com,id=one,path_beg=/x/ a:1",
                                 "EXAMPLE.com,id=two,path_beg=/x/ b:2",
                                 "example.com,id=three,path_beg=/x/,ssl=yes c:3");

        assertThat(table.routes()).extracting(r -> r.id().orElseThrow()).containsExactly("one", "three");
        assertThat(http(table, "example.com", "/x/y")).isEqualTo("one");
        assertThat(table.warnings()).containsExactly(
                "routes:2: skipping duplicate condition (same as line 1): "
                + "id=two EXAMPLE.com,path_beg=/x/ -> b:2");
    }

    @Test
    void neverMatchesIdOnlyRouteByHostButFindsItById() throws Exception {
        RouteTable table = table("id=hidden a:1", "*,id=visible b:2");

        assertThat(http(table, "any", "/")).isEqualTo("visible");
        assertThat(table.byId("hidden")).map(r -> r.targets().get(0).port()).contains(1);
        assertThat(table.byId("visible")).isPresent();
        assertThat(table.byId("missing")).isEmpty();
    }

    @Test
    void findsFirstRouteWhenIdsRepeat() throws Exception {
        RouteTable table = table("*,id=dup a:1", "example.com,id=dup b:2");

        assertThat(table.byId("dup")).map(Route::line).contains(1);
        assertThat(table.warnings()).singleElement().asString().contains("id \"dup\" is also used by line 1");
    }

    @Test
    void skipsIdOnlyRouteWithRepeatedId() throws Exception {
        RouteTable table = table("id=x a:1", "id=x b:2");

        assertThat(table.size()).isEqualTo(1);
        assertThat(table.byId("x")).map(Route::line).contains(1);
    }

    @Test
    void findsNothingInEmptyTable() throws Exception {
        RouteTable table = table("# only comments");

        assertThat(table.isEmpty()).isTrue();
        assertThat(table.match("h", "/", false, false)).isEmpty();
        assertThat(RouteTable.empty().isEmpty()).isTrue();
    }

    @Test
    void returnsPrecomputedResultSoMatchingDoesNotAllocate() throws Exception {
        RouteTable table = table("example.com,path_beg=/a/ a:1", "* b:2");

        assertThat(table.match("Example.com:80", "/a/1", false, false))
                .isSameAs(table.match("example.com", "/a/2", true, true));
        assertThat(table.match("x", "/", false, false)).isSameAs(table.match("y", "/z", true, false));
    }

    @Test
    void findsEveryDomainAmongMany() throws Exception {
        String[] lines = new String[200];
        for (int i = 0; i < lines.length; i++) {
            lines[i] = "host" + i + ".example.com,id=r" + i + " app:" + (1000 + i);
        }
        RouteTable table = table(lines);

        for (int i = 0; i < lines.length; i++) {
            assertThat(http(table, "HOST" + i + ".example.com:443", "/")).isEqualTo("r" + i);
        }
        assertThat(http(table, "host200.example.com", "/")).isEqualTo("none");
    }

    @Test
    void servesNewTableAfterReplace() throws Exception {
        LiveRoutes live = LiveRoutes.of(table("*,id=old a:1"));
        RouteTable next = table("*,id=new a:1");

        live.replace(next);

        assertThat(live.current()).isSameAs(next);
        assertThat(http(live.current(), "h", "/")).isEqualTo("new");
    }
}
