package com.example.gateway.outbound;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OutboundTargetsTest {

    private final OutboundTargets strict = new OutboundTargets(new OutboundProperties(false));
    private final OutboundTargets onPremises = new OutboundTargets(new OutboundProperties(true));

    @ParameterizedTest
    @ValueSource(strings = { "http://127.0.0.1:8080/admin/tenants", "http://localhost:5432/", "http://[::1]/",
            "http://10.1.2.3/hook", "http://172.16.0.1/", "http://172.31.255.255/", "http://192.168.1.1/",
            "http://100.64.0.1/", "http://[fd00::1]/", "http://[::ffff:127.0.0.1]/", "http://[::127.0.0.1]/",
            "http://[2002:7f00:1::]/", "http://[64:ff9b::a00:1]/", "http://2130706433/" })
    void refusesLoopbackAndPrivateTargetsByDefault(String url) {
        assertThatThrownBy(() -> strict.check(url)).isInstanceOf(RefusedTarget.class)
            .hasMessage("must not resolve to a loopback, link-local, private, unspecified or multicast address");
    }

    @ParameterizedTest
    @ValueSource(strings = { "http://127.0.0.1:8080/hooks", "http://localhost:5432/", "http://[::1]/",
            "http://10.1.2.3/hook", "http://192.168.1.1/", "http://[fd00::1]/" })
    void allowsLoopbackAndPrivateTargetsOnPremises(String url) {
        assertThat(onPremises.check(url)).hasToString(url);
    }

    @ParameterizedTest
    @ValueSource(strings = { "http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/", "http://0.0.0.0:8080/",
            "http://[::]/", "http://224.0.0.1/", "http://[ff02::1]/", "http://0.1.2.3/", "http://255.255.255.255/",
            "http://[::ffff:169.254.169.254]/" })
    void refusesLinkLocalUnspecifiedAndMulticastTargetsEvenOnPremises(String url) {
        assertThatThrownBy(() -> onPremises.check(url)).isInstanceOf(RefusedTarget.class)
            .hasMessage("must not resolve to a loopback, link-local, private, unspecified or multicast address");
    }

    @ParameterizedTest
    @ValueSource(strings = { "ftp://93.184.215.14/", "file:///etc/passwd", "gopher://93.184.215.14/", "/relative",
            "93.184.215.14", "mailto:ops@example.com", "http://", "http:// spaces/", "jar:http://93.184.215.14!/" })
    void refusesWhatIsNotAnAbsoluteHttpUrl(String url) {
        assertThatThrownBy(() -> onPremises.check(url)).isInstanceOf(RefusedTarget.class)
            .hasMessage("must be an absolute http(s) URL");
    }

    @ParameterizedTest
    @ValueSource(strings = { "https://user:secret@93.184.215.14/", "http://user@93.184.215.14/",
            "https://93.184.215.14@127.0.0.1/" })
    void refusesUrlsWithUserInfo(String url) {
        assertThatThrownBy(() -> onPremises.check(url)).isInstanceOf(RefusedTarget.class)
            .hasMessage("must not carry a user name or password");
    }

    @ParameterizedTest
    @ValueSource(strings = { "https://93.184.215.14/hooks/budget", "http://8.8.8.8:8080/", "HTTPS://1.1.1.1/x",
            "http://[2606:4700:4700::1111]/", "http://172.32.0.1/", "http://100.128.0.1/" })
    void allowsPublicAddresses(String url) {
        assertThat(strict.check(url)).hasToString(url);
    }

    @org.junit.jupiter.api.Test
    void refusesHostsThatDoNotResolve() {
        assertThatThrownBy(() -> strict.check("https://no-such-host.invalid/hook")).isInstanceOf(RefusedTarget.class)
            .hasMessage("must name a host that resolves");
    }
}
