package io.holdfast.server.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RouteTest {

    private static Route route(String line) throws RouteSyntaxException {
        return RoutesParser.parseLine(line, 1, "routes");
    }

    @Test
    void leavesPathAloneWithoutRewriteProps() throws Exception {
        String path = "/api/x?a=1";

        assertThat(route("*,path_beg=/api/ app:80").rewritePath(path)).isSameAs(path);
    }

    @Test
    void removesFirstCharactersWithPathRem() throws Exception {
        Route route = route("*,path_beg=/api,path_rem=4 app:80");

        assertThat(route.rewritePath("/api/users?page=2")).isEqualTo("/users?page=2");
        assertThat(route.rewritePath("/api/users")).isEqualTo("/users");
    }

    @Test
    void replacesPathBegWithReplaceBegAndKeepsQuery() throws Exception {
        Route route = route("*,path_beg=/old/,replace_beg=/new/ app:80");

        assertThat(route.rewritePath("/old/a/b?q=/old/")).isEqualTo("/new/a/b?q=/old/");
        assertThat(route.rewritePath("/old/")).isEqualTo("/new/");
    }

    @Test
    void stripsTenantPrefixWithReplaceBegSlash() throws Exception {
        Route route = route("*,path_beg=/a/,replace_beg=/ app:80");

        assertThat(route.rewritePath("/a/stream?channel=x")).isEqualTo("/stream?channel=x");
        assertThat(route.rewritePath("/a/")).isEqualTo("/");
    }

    @Test
    void letsReplaceBegOverridePathRemAsPushpinDoes() throws Exception {
        Route route = route("*,path_beg=/v1/,path_rem=1,replace_beg=/v2/ app:80");

        assertThat(route.rewritePath("/v1/items")).isEqualTo("/v2/items");
    }

    @Test
    void prependsReplaceBegWhenThereIsNoPathBeg() throws Exception {
        assertThat(route("*,replace_beg=/base app:80").rewritePath("/x?y")).isEqualTo("/base/x?y");
    }

    @Test
    void keepsLeadingSlashWhenRewriteRemovesEverything() throws Exception {
        Route route = route("*,path_rem=10 app:80");

        assertThat(route.rewritePath("/abc?q=1")).isEqualTo("/?q=1");
        assertThat(route.rewritePath("/abc")).isEqualTo("/");
    }

    @Test
    void addsLeadingSlashWhenRewriteCutsIntoSegment() throws Exception {
        assertThat(route("*,path_rem=5 app:80").rewritePath("/api/users")).isEqualTo("/users");
    }

    @Test
    void describesRouteForLogs() throws Exception {
        assertThat(route("*,id=api,path_beg=/api/ app1:8080 app2:8080").describe())
                .isEqualTo("id=api *,path_beg=/api/ -> app1:8080, app2:8080");
        assertThat(route("Example.com,proto=ws,ssl=no [::1]:80 test").describe())
                .isEqualTo("Example.com,proto=ws,ssl=no -> [::1]:80, test");
        assertThat(route("id=only a:1").describe()).isEqualTo("id=only -> a:1");
    }

    @Test
    void namesItsLocationForLogs() throws Exception {
        assertThat(route("* a:1").location()).isEqualTo("routes:1");
        assertThat(RoutesParser.parseLine("* a:1", 0, "--route").location()).isEqualTo("--route");
    }

    @Test
    void comparesRoutesByValue() throws Exception {
        assertThat(route("* a:1,ssl")).isEqualTo(route("* a:1,ssl")).hasSameHashCodeAs(route("* a:1,ssl"));
        assertThat(route("* a:1,ssl")).isNotEqualTo(route("* a:1"));
        assertThat(route("* a:1").targets().get(0)).isEqualTo(route("* a:1").targets().get(0));
    }

    @Test
    void exposesOnlyUnmodifiableCollections() throws Exception {
        Route route = route("*,header=X:1 a:1,sub=c");

        assertThatThrownBy(() -> route.options().put("k", "v")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> route.headers().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> route.targets().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> route.targets().get(0).subscriptions().clear())
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> route.targets().get(0).options().clear())
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
