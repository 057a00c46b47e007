package io.holdfast.server.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holdfast.server.route.Route.HeaderRule;
import io.holdfast.server.route.Route.Proto;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RoutesParserTest {

    /** The examples of spec 5.3, verbatim. */
    private static final String SPEC_EXAMPLES = String.join("\n",
            "# everything to the app, WebSockets translated to HTTP",
            "* localhost:3000,over_http",
            "",
            "# api.example.com: plain HTTP to two servers with failover, WS to another",
            "api.example.com,proto=http app1:8080 app2:8080",
            "api.example.com,proto=ws ws-app:8081,over_http",
            "",
            "# tenant namespace and path rewrite",
            "*,id=tenantA,path_beg=/a/,replace_beg=/,prefix=tenantA: tenant-a:80,ssl,host=tenant-a.internal",
            "",
            "# quick test without an origin",
            "* test",
            "");

    private static Route line(String text) throws RouteSyntaxException {
        return RoutesParser.parseLine(text, 1, "routes");
    }

    @Test
    void parsesEverySpecExampleWithItsLineNumber() throws Exception {
        List<Route> routes = RoutesParser.parse(SPEC_EXAMPLES, "routes");

        assertThat(routes).extracting(Route::line).containsExactly(2, 5, 6, 9, 12);
        assertThat(routes).extracting(Route::describe).containsExactly(
                "* -> localhost:3000",
                "api.example.com,proto=http -> app1:8080, app2:8080",
                "api.example.com,proto=ws -> ws-app:8081",
                "id=tenantA *,path_beg=/a/ -> tenant-a:80",
                "* -> test");
        assertThat(routes.get(1).source()).isEqualTo("api.example.com,proto=http app1:8080 app2:8080");
    }

    @Test
    void parsesCatchAllRouteWithWebSocketOverHttp() throws Exception {
        Route route = line("* localhost:3000,over_http");

        assertThat(route.domain()).isEmpty();
        assertThat(route.idOnly()).isFalse();
        assertThat(route.pathBeg()).isEmpty();
        assertThat(route.proto()).isEmpty();
        assertThat(route.ssl()).isEmpty();
        Target target = route.targets().get(0);
        assertThat(target.kind()).isEqualTo(Target.Kind.ORIGIN);
        assertThat(target.host()).isEqualTo("localhost");
        assertThat(target.port()).isEqualTo(3000);
        assertThat(target.spec()).isEqualTo("localhost:3000");
        assertThat(target.overHttp()).isTrue();
        assertThat(target.ssl()).isFalse();
        assertThat(target.options()).containsExactly(Map.entry("over_http", ""));
    }

    @Test
    void parsesDomainRoutesWithFailoverTargetsInOrder() throws Exception {
        Route http = line("api.example.com,proto=http app1:8080 app2:8080");
        Route ws = line("api.example.com,proto=ws ws-app:8081,over_http");

        assertThat(http.domain()).contains("api.example.com");
        assertThat(http.proto()).contains(Proto.HTTP);
        assertThat(http.targets()).extracting(Target::describe).containsExactly("app1:8080", "app2:8080");
        assertThat(ws.proto()).contains(Proto.WS);
        assertThat(ws.targets().get(0).overHttp()).isTrue();
    }

    @Test
    void parsesTenantRouteWithPrefixRewriteAndTlsTarget() throws Exception {
        Route route = line(
                "*,id=tenantA,path_beg=/a/,replace_beg=/,prefix=tenantA: tenant-a:80,ssl,host=tenant-a.internal");

        assertThat(route.id()).contains("tenantA");
        assertThat(route.domain()).isEmpty();
        assertThat(route.pathBeg()).contains("/a/");
        assertThat(route.replaceBeg()).contains("/");
        assertThat(route.prefix()).contains("tenantA:"); // the colon is part of the value
        assertThat(route.options()).containsExactly(
                Map.entry("id", "tenantA"), Map.entry("path_beg", "/a/"),
                Map.entry("replace_beg", "/"), Map.entry("prefix", "tenantA:"));
        Target target = route.targets().get(0);
        assertThat(target.host()).isEqualTo("tenant-a");
        assertThat(target.port()).isEqualTo(80);
        assertThat(target.ssl()).isTrue();
        assertThat(target.hostHeader()).contains("tenant-a.internal");
        assertThat(route.rewritePath("/a/items?x=1")).isEqualTo("/items?x=1");
    }

    @Test
    void parsesBuiltInTestTarget() throws Exception {
        Target target = line("* test").targets().get(0);

        assertThat(target.kind()).isEqualTo(Target.Kind.TEST);
        assertThat(target.describe()).isEqualTo("test");
        assertThat(target.host()).isEmpty();
        assertThat(target.port()).isZero();
    }

    @Test
    void parsesEveryConditionProp() throws Exception {
        Route route = line("example.com,id=r1,proto=ws,ssl=yes,path_beg=/x/,prefix=p-,path_rem=2,"
                           + "as_host=origin.local:81,header=X-A:1,header=X-B:,sig_iss=me,sig_key=base64:c2VjcmV0,"
                           + "orig_headers,debug,aco,session,no_grip,jsonp_mode=basic,jsonp_cb=cb,jsonp_body=b,"
                           + "jsonp_defcb=dcb,jsonp_defmethod=PUT,log_level=3,sockjs=/sockjs,sockjs_as_path=/ws"
                           + " app:80");

        assertThat(route.domain()).contains("example.com");
        assertThat(route.id()).contains("r1");
        assertThat(route.proto()).contains(Proto.WS);
        assertThat(route.ssl()).contains(true);
        assertThat(route.pathBeg()).contains("/x/");
        assertThat(route.prefix()).contains("p-");
        assertThat(route.pathRem()).hasValue(2);
        assertThat(route.asHost()).contains("origin.local:81");
        assertThat(route.headers()).containsExactly(new HeaderRule("X-A", "1"), new HeaderRule("X-B", ""));
        assertThat(route.headers().get(1).removes()).isTrue();
        assertThat(route.sigIss()).contains("me");
        assertThat(route.sigKey()).contains("base64:c2VjcmV0");
        assertThat(route.origHeaders()).isTrue();
        assertThat(route.debug()).isTrue();
        assertThat(route.autoCrossOrigin()).isTrue();
        assertThat(route.session()).isTrue();
        assertThat(route.noGrip()).isTrue();
        assertThat(route.jsonpMode()).contains("basic");
        assertThat(route.jsonpCallback()).contains("cb");
        assertThat(route.jsonpBody()).contains("b");
        assertThat(route.jsonpDefaultCallback()).contains("dcb");
        assertThat(route.jsonpDefaultMethod()).contains("PUT");
        assertThat(route.logLevel()).hasValue(3);
        assertThat(route.sockjs()).contains("/sockjs");
        assertThat(route.sockjsAsPath()).contains("/ws");
        assertThat(route.options()).hasSize(23).containsEntry("header", "X-B:");
    }

    @Test
    void leavesUnsetConditionPropsEmpty() throws Exception {
        Route route = line("* app:80");

        assertThat(route.id()).isEmpty();
        assertThat(route.pathRem()).isEmpty();
        assertThat(route.logLevel()).isEmpty();
        assertThat(route.jsonpMode()).isEmpty();
        assertThat(route.headers()).isEmpty();
        assertThat(route.options()).isEmpty();
        assertThat(route.debug()).isFalse();
        assertThat(route.noGrip()).isFalse();
    }

    @Test
    void parsesEveryTargetProp() throws Exception {
        Target target = line("* app:443,ssl,insecure,trust_connect_host,host=app.internal,over_http,"
                             + "one_event,sub=news,sub=alerts,untrusted,client_cert=/c.pem,client_key=/k.pem")
                .targets().get(0);

        assertThat(target.ssl()).isTrue();
        assertThat(target.insecure()).isTrue();
        assertThat(target.trustConnectHost()).isTrue();
        assertThat(target.hostHeader()).contains("app.internal");
        assertThat(target.overHttp()).isTrue();
        assertThat(target.oneEvent()).isTrue();
        assertThat(target.subscriptions()).containsExactly("news", "alerts");
        assertThat(target.untrusted()).isTrue();
        assertThat(target.clientCert()).contains("/c.pem");
        assertThat(target.clientKey()).contains("/k.pem");
        assertThat(target.options()).containsEntry("sub", "alerts").containsEntry("ssl", "");
    }

    @Test
    void givesEachTargetItsOwnProps() throws Exception {
        Route route = line("* a:1,ssl b:2,over_http,sub=x c:3");

        assertThat(route.targets()).extracting(Target::ssl).containsExactly(true, false, false);
        assertThat(route.targets()).extracting(Target::overHttp).containsExactly(false, true, false);
        assertThat(route.targets().get(1).subscriptions()).containsExactly("x");
    }

    @Test
    void parsesBracketedIpv6TargetsWithoutTheBrackets() throws Exception {
        Route route = line("* [::1]:8080 [2001:db8::2]:443,ssl 127.0.0.1:9000");

        assertThat(route.targets()).extracting(Target::host)
                                   .containsExactly("::1", "2001:db8::2", "127.0.0.1");
        assertThat(route.targets()).extracting(Target::port).containsExactly(8080, 443, 9000);
        assertThat(route.targets()).extracting(Target::describe)
                                   .containsExactly("[::1]:8080", "[2001:db8::2]:443", "127.0.0.1:9000");
        assertThat(route.targets().get(0).spec()).isEqualTo("[::1]:8080");
    }

    @ParameterizedTest
    @MethodSource("zhttpTargets")
    void refusesZhttpTargetsAtLoadSayingWhy(String text, String spec) {
        assertThatThrownBy(() -> line(text))
                .isInstanceOf(RouteSyntaxException.class)
                .hasMessageContaining("target \"" + spec + "\" is a ZHTTP peer over ZeroMQ, which Holdfast does not support")
                .hasMessageContaining("expected: host:port or test");
    }

    static Stream<Arguments> zhttpTargets() {
        return Stream.of(
                Arguments.of("* zhttp/tcp://127.0.0.1:5000", "zhttp/tcp://127.0.0.1:5000"),
                Arguments.of("* app:80 zhttpreq/ipc://x,ipc_file_mode=660", "zhttpreq/ipc://x"),
                Arguments.of("* zhttp/", "zhttp/"));
    }

    @Test
    void warnsOnceForEachRoutePropThatIsAcceptedButNotActedOn() throws Exception {
        ParsedRoutes parsed = RoutesParser.parseWithWarnings(
                "*,session,sockjs=/sockjs,sockjs_as_path=/ws,log_level=3,debug app:80", "routes");

        Route route = parsed.routes().get(0);
        assertThat(route.session()).isTrue();
        assertThat(route.logLevel()).hasValue(3);
        assertThat(parsed.warnings()).containsExactly(
                notImplemented("route", "session"), notImplemented("route", "sockjs"),
                notImplemented("route", "sockjs_as_path"), notImplemented("route", "log_level"));
    }

    @Test
    void warnsOnceForEachTargetPropThatIsAcceptedButNotActedOn() throws Exception {
        ParsedRoutes parsed = RoutesParser.parseWithWarnings(
                "* app:443,ssl,trust_connect_host,client_cert=/c.pem,client_key=/k.pem,ipc_file_mode=600"
                + " b:80,over_http", "routes");

        assertThat(parsed.warnings()).containsExactly(
                notImplemented("target", "trust_connect_host"), notImplemented("target", "client_cert"),
                notImplemented("target", "client_key"), notImplemented("target", "ipc_file_mode"));
    }

    @Test
    void leavesImplementedPropsWithoutWarnings() throws Exception {
        ParsedRoutes parsed = RoutesParser.parseWithWarnings(SPEC_EXAMPLES + "\n"
                + "*,id=x,path_beg=/p/,path_rem=1,as_host=h,header=X-A:b,sig_iss=i,sig_key=k,orig_headers,"
                + "debug,aco,no_grip,jsonp_mode=basic,jsonp_cb=cb,collapse_next "
                + "app:80,insecure,host=h,one_event,sub=s,untrusted", "routes");

        assertThat(parsed.warnings()).isEmpty();
    }

    private static String notImplemented(String where, String prop) {
        return "routes:1: " + where + " prop \"" + prop + "\" is accepted for Pushpin compatibility but not "
               + "implemented by Holdfast; it has no effect";
    }

    @Test
    void decodesQuotedValuesWithSeparatorsAndEscapes() throws Exception {
        Route route = line("*,prefix=\"a b,c#d\",sig_key=\"q\\\"x\\\\y\",header=\"X-Note: hi, there\" app:80");

        assertThat(route.prefix()).contains("a b,c#d");
        assertThat(route.sigKey()).contains("q\"x\\y");
        assertThat(route.headers()).containsExactly(new HeaderRule("X-Note", "hi, there"));
    }

    @Test
    void joinsQuotedAndUnquotedPartsOfOneElement() throws Exception {
        Route route = line("*,prefix=ab\"c d\"e,\"as_host\"=h \"app\":80");

        assertThat(route.prefix()).contains("abc de");
        assertThat(route.asHost()).contains("h");
        assertThat(route.targets().get(0).host()).isEqualTo("app");
    }

    @Test
    void keepsQuotedEqualsSignInsideTheValue() throws Exception {
        Route route = line("*,header=\"X-Q:a=b\",prefix=\"k=v\" app:80");

        assertThat(route.headers()).containsExactly(new HeaderRule("X-Q", "a=b"));
        assertThat(route.prefix()).contains("k=v");
    }

    @Test
    void skipsBlankLinesAndCommentsIncludingTrailingOnes() throws Exception {
        List<Route> routes = RoutesParser.parse(String.join("\n",
                "   ",
                "# a comment",
                "\t# indented comment",
                "* app:80 # trailing comment",
                "*,path_beg=/x/ app:80#comment straight after a value",
                "example.com   app:81\t\tapp:82"), "routes");

        assertThat(routes).extracting(Route::line).containsExactly(4, 5, 6);
        assertThat(routes.get(0).targets()).hasSize(1);
        assertThat(routes.get(1).pathBeg()).contains("/x/");
        assertThat(routes.get(2).targets()).extracting(Target::port).containsExactly(81, 82);
    }

    @Test
    void acceptsWindowsLineEndingsAndByteOrderMark() throws Exception {
        List<Route> routes = RoutesParser.parse("\uFEFF* a:1\r\n\r\nexample.com b:2\r\n", "routes");

        assertThat(routes).extracting(Route::line).containsExactly(1, 3);
        assertThat(routes.get(1).domain()).contains("example.com");
    }

    @Test
    void parsesIdOnlyRouteWithoutDomain() throws Exception {
        Route route = line("id=internal,path_beg=/i/ app:80");

        assertThat(route.idOnly()).isTrue();
        assertThat(route.domain()).isEmpty();
        assertThat(route.id()).contains("internal");
        assertThat(route.pathBeg()).contains("/i/");
        assertThat(route.describe()).isEqualTo("id=internal path_beg=/i/ -> app:80");
    }

    @Test
    void keepsUnknownPropsAndWarnsAboutThem() throws Exception {
        ParsedRoutes parsed = RoutesParser.parseWithWarnings("\n*,future=1 app:80,shiny", "routes");

        Route route = parsed.routes().get(0);
        assertThat(route.options()).containsEntry("future", "1");
        assertThat(route.targets().get(0).options()).containsEntry("shiny", "");
        assertThat(parsed.warnings()).containsExactly(
                "routes:2: unknown route prop \"future\" (kept in options, not used)",
                "routes:2: unknown target prop \"shiny\" (kept in options, not used)");
    }

    @Test
    void turnsFlagOnEvenWithValueAsPushpinDoesAndWarns() throws Exception {
        ParsedRoutes parsed = RoutesParser.parseWithWarnings("* app:80,ssl=no", "routes");

        assertThat(parsed.routes().get(0).targets().get(0).ssl()).isTrue();
        assertThat(parsed.warnings()).singleElement().asString().contains("flag \"ssl\" takes no value");
    }

    @Test
    void warnsThatDomainWithPortNeverMatches() throws Exception {
        ParsedRoutes parsed = RoutesParser.parseWithWarnings("example.com:8080 app:80", "routes");

        assertThat(parsed.warnings()).containsExactly("routes:1: domain \"example.com:8080\" has a port, "
                                                      + "but ports are not matched; this route never matches");
    }

    @Test
    void trimsSpacesAfterHeaderColon() throws Exception {
        Route route = line("*,header=\"X-A:   v w\" app:80");

        assertThat(route.headers()).containsExactly(new HeaderRule("X-A", "v w"));
    }

    @Test
    void ignoresEmptySubscription() throws Exception {
        assertThat(line("* app:80,sub=,sub=a").targets().get(0).subscriptions()).containsExactly("a");
    }

    @Test
    void letsLastValueOfRepeatedSingleValuedPropWin() throws Exception {
        assertThat(line("*,prefix=a,prefix=b app:80").prefix()).contains("b");
    }

    @Test
    void parsesCommandLineRouteWithLineZero() throws Exception {
        Route route = RoutesParser.parseLine("* localhost:3000", 0, "--route");

        assertThat(route.line()).isZero();
        assertThatThrownBy(() -> RoutesParser.parseLine("* localhost", 0, "--route"))
                .isInstanceOf(RouteSyntaxException.class)
                .hasMessage("--route: target \"localhost\" has no port");
    }

    @Test
    void rejectsBlankLineGivenAsSingleRoute() {
        assertThatThrownBy(() -> RoutesParser.parseLine("  # nothing", 0, "--route"))
                .isInstanceOf(RouteSyntaxException.class)
                .hasMessageStartingWith("--route: empty route");
    }

    static Stream<Arguments> brokenLines() {
        return Stream.of(
                Arguments.of("* app1", "target \"app1\" has no port"),
                Arguments.of("*", "route has no target (expected: <condition> <target>...)"),
                Arguments.of("id=x", "route has no target (expected: <condition> <target>...)"),
                Arguments.of("*,path_beg= app:80", "path_beg is empty (expected: path_beg=<value>)"),
                Arguments.of("*,path_beg app:80", "path_beg is empty (expected: path_beg=<value>)"),
                Arguments.of("*,path_rem=abc app:80", "path_rem: \"abc\" (expected: a number >= 0)"),
                Arguments.of("*,path_rem=-1 app:80", "path_rem: \"-1\" (expected: a number >= 0)"),
                Arguments.of("*,ssl=maybe app:80", "ssl: \"maybe\" (expected: yes or no)"),
                Arguments.of("*,ssl app:80", "ssl: \"\" (expected: yes or no)"),
                Arguments.of("*,proto=tcp app:80", "proto: \"tcp\" (expected: http or ws)"),
                Arguments.of("*,jsonp_mode=odd app:80", "jsonp_mode: \"odd\" (expected: basic or extended)"),
                Arguments.of("*,log_level=high app:80", "log_level: \"high\" (expected: a number >= 0)"),
                Arguments.of("*,header=NoColon app:80", "header: \"NoColon\" (expected: Name:Value)"),
                Arguments.of("*,header=:v app:80", "header: \":v\" (expected: Name:Value)"),
                Arguments.of("*,id= app:80", "id is empty (expected: id=<value>)"),
                Arguments.of("* app:0", "target \"app:0\" has a bad port \"0\" (expected: 1-65535)"),
                Arguments.of("* app:65536", "target \"app:65536\" has a bad port \"65536\" (expected: 1-65535)"),
                Arguments.of("* app:80x", "target \"app:80x\" has a bad port \"80x\" (expected: 1-65535)"),
                Arguments.of("* app:", "target \"app:\" has a bad port \"\" (expected: 1-65535)"),
                Arguments.of("* :80", "target \":80\" has no host"),
                Arguments.of("* ::1:8080",
                             "target \"::1:8080\" is ambiguous (expected: IPv6 in brackets, e.g. [::1]:8080)"),
                Arguments.of("* [::1]", "target \"[::1]\" has no port"),
                Arguments.of("* [::1:8080", "target \"[::1:8080\" has no closing ']'"),
                Arguments.of("* []:80", "target \"[]:80\" has no host"),
                Arguments.of("* app:80 ,ssl",
                             "target has props but no host:port (expected: host:port or test)"),
                Arguments.of("* app:80,ipc_file_mode=9",
                             "ipc_file_mode: \"9\" (expected: an octal file mode, e.g. 660)"),
                Arguments.of("*,prefix=\"abc app:80", "unterminated quote starting at column 10"),
                Arguments.of("*,prefix=\"a\\nb\" app:80", "bad escape \\n in quoted text (expected: \\\\ or \\\")"),
                Arguments.of("*,prefix=\"a\\", "unterminated quote starting at column 10"),
                Arguments.of("path_beg=/a/ app:80",
                             "route has no domain and no id (expected: * or a host, or id=<name>)"),
                Arguments.of("*.example.com app:80",
                             "domain \"*.example.com\" has a partial wildcard (expected: * or an exact host)"),
                Arguments.of("example.com/api app:80",
                             "domain \"example.com/api\" has a path (expected: a host; match paths with path_beg)"),
                Arguments.of("*, app:80", "expected a prop after ','"),
                Arguments.of("*,,id=x app:80", "expected a prop after ','"),
                Arguments.of("* app:80,", "expected a prop after ','"),
                Arguments.of("*,=x app:80", "prop \"=x\" has no name"),
                Arguments.of("*,\"\" app:80", "empty prop"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenLines")
    void rejectsBrokenLineNamingSourceAndLine(String brokenLine, String reason) {
        String file = "# header\n* fine:80\n" + brokenLine + "\n* also-fine:80\n";

        assertThatThrownBy(() -> RoutesParser.parse(file, "routes"))
                .isInstanceOfSatisfying(RouteSyntaxException.class, e -> {
                    assertThat(e.getMessage()).isEqualTo("routes:3: " + reason);
                    assertThat(e.sourceName()).isEqualTo("routes");
                    assertThat(e.line()).isEqualTo(3);
                    assertThat(e.reason()).isEqualTo(reason);
                });
    }
}
