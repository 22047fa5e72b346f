package dev.kapal.api.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kapal.api.ApiException;
import dev.kapal.api.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class YamlTest {

    private static JsonNode yaml(String text) {
        return Yaml.parse(text.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode json(String text) {
        return Json.parse(text.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
    }

    private static void assertBadRequest(String text) {
        assertThatThrownBy(() -> yaml(text)).as(text)
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(400));
    }

    @Test
    void readsAManifestIntoTheSameTreeAsItsJson() {
        JsonNode deployment = yaml("""
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                  labels: {app: web}
                  annotations:
                    version: "1.10"
                    build: '0042'
                    enabled: "true"
                spec:
                  replicas: 3
                  template:
                    spec:
                      containers:
                      - name: nginx
                        image: nginx:1.25
                        resources:
                          limits: {cpu: 500m, memory: 128Mi}
                        env:
                """);
        assertThat(deployment).isEqualTo(json("""
                {'apiVersion':'apps/v1','kind':'Deployment',
                 'metadata':{'name':'web','labels':{'app':'web'},
                             'annotations':{'version':'1.10','build':'0042','enabled':'true'}},
                 'spec':{'replicas':3,'template':{'spec':{'containers':[
                   {'name':'nginx','image':'nginx:1.25','resources':{'limits':{'cpu':'500m','memory':'128Mi'}},'env':null}]}}}}
                """));
    }

    @Test
    void quotedScalarsStayStringsPlainOnesAreTyped() {
        JsonNode node = yaml("a: \"123\"\nb: '1.10'\nc: 123\nd: 1.10\ne: true\nf: \"\"\ng:\nh: ~\ni: \"null\"\n");
        assertThat(node.get("a").isTextual()).isTrue();
        assertThat(node.get("b").asText()).isEqualTo("1.10");
        assertThat(node.get("c").isInt()).isTrue();
        assertThat(node.get("d").decimalValue()).isEqualByComparingTo("1.1");
        assertThat(node.get("e").isBoolean()).isTrue();
        assertThat(node.get("f").asText()).isEmpty();
        assertThat(node.get("g").isNull()).isTrue();
        assertThat(node.get("h").isNull()).isTrue();
        assertThat(node.get("i").asText()).isEqualTo("null");
    }

    @Test
    void aliasesAreExpanded() {
        assertThat(yaml("x: &shared {a: 1}\ny: *shared\n")).isEqualTo(json("{'x':{'a':1},'y':{'a':1}}"));
    }

    @Test
    void refusesWhatIsNotOneValidDocument() {
        assertBadRequest("");
        assertBadRequest("a: 1\n---\nb: 2\n");
        assertBadRequest("a: [1\n");
        assertBadRequest("a: 1\na: 2\n");
        assertBadRequest("a: b: c\n");
        assertBadRequest("\t- x");
        assertThatThrownBy(() -> Yaml.parseObject("[1]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(400));
        assertThat(Yaml.parseObject("a: 1".getBytes(StandardCharsets.UTF_8))).isEqualTo(json("{'a':1}"));
    }

    @Test
    void hostileInputIsRefusedCheaply() {
        assertBadRequest("[".repeat(100_000));
        assertBadRequest("a:\n" + "  ".repeat(1) + "- ".repeat(5_000) + "x\n");
        StringBuilder laughs = new StringBuilder("a: &a [x,x,x,x,x,x,x,x,x]\n");
        for (char c = 'b'; c <= 'z'; c++) {
            char previous = (char) (c - 1);
            laughs.append(c).append(": &").append(c).append(" [*").append(previous).append(",*").append(previous)
                    .append(",*").append(previous).append(",*").append(previous).append("]\n");
        }
        assertThatThrownBy(() -> yaml(laughs.toString())).hasMessageContaining("aliases expand to more than");
        assertThat(yaml("a: &a [1]\nb: [*a, *a]\n")).isEqualTo(json("{'a':[1],'b':[[1],[1]]}"));
    }
}
