package dev.kapal.apiserver.printers;

import static dev.kapal.apiserver.printers.PrinterTestSupport.cells;
import static dev.kapal.apiserver.printers.PrinterTestSupport.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CustomResourcePrinterTest {
    private final com.fasterxml.jackson.databind.node.ObjectNode crontab = json("{'apiVersion':'stable.example.com/v1','kind':'CronTab',"
            + "'metadata':{'name':'my-cron','creationTimestamp':'2025-06-01T11:00:00Z','labels':{'app.kubernetes.io/name':'cron'}},"
            + "'spec':{'cronSpec':'* * * * */5','replicas':2,'image':'my-image','ratio':0.5,'paused':false},"
            + "'status':{'conditions':[{'type':'Synced','status':'False'},{'type':'Ready','status':'True'}]}}");

    @Test
    void withoutPrinterColumnsCustomResourcesPrintNameAndAgeAsADateColumn() {
        CustomResourcePrinter printer = CustomResourcePrinter.of(json("{}").path("missing")).orElseThrow();
        assertThat(printer.columns()).extracting(Column::name, Column::type)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("Name", "string"), org.assertj.core.groups.Tuple.tuple("Age", "date"));
        assertThat(cells(printer, crontab)).containsExactly("my-cron", "60m");
    }

    @Test
    void printerColumnsEvaluateTheirJsonPathsByType() {
        com.fasterxml.jackson.databind.JsonNode columns = json("{'l':["
                + "{'name':'Spec','type':'string','jsonPath':'.spec.cronSpec'},"
                + "{'name':'Replicas','type':'integer','jsonPath':'.spec.replicas'},"
                + "{'name':'Ratio','type':'number','jsonPath':'.spec.ratio'},"
                + "{'name':'Paused','type':'boolean','jsonPath':'.spec.paused'},"
                + "{'name':'Ready','type':'string','jsonPath':'set below'},"
                + "{'name':'App','type':'string','jsonPath':'set below'},"
                + "{'name':'Missing','type':'string','jsonPath':'.spec.nothing','priority':1,'description':'Not there'},"
                + "{'name':'Wrong','type':'integer','jsonPath':'.spec.image'},"
                + "{'name':'Created','type':'date','jsonPath':'.metadata.creationTimestamp'}]}").get("l");
        ((com.fasterxml.jackson.databind.node.ObjectNode) columns.get(4)).put("jsonPath", ".status.conditions[?(@.type==\"Ready\")].status");
        ((com.fasterxml.jackson.databind.node.ObjectNode) columns.get(5)).put("jsonPath", ".metadata.labels['app.kubernetes.io/name']");
        CustomResourcePrinter printer = CustomResourcePrinter.of(columns).orElseThrow();
        assertThat(cells(printer, crontab)).isEqualTo(Arrays.asList("my-cron", "* * * * */5", 2L, 0.5, false, "True", "cron", null, null, "60m"));
        assertThat(printer.columns().get(7).priority()).isEqualTo(1);
        assertThat(printer.columns().get(7).description()).isEqualTo("Not there");
        assertThat(printer.columns().get(1).description())
                .isEqualTo("Custom resource definition column (in JSONPath format): .spec.cronSpec");
    }

    @Test
    void stringColumnsOfStructuredValuesPrintAsGoDoes() {
        CustomResourcePrinter printer = CustomResourcePrinter.of(json("{'l':[{'name':'Spec','type':'string','jsonPath':'.spec'},"
                + "{'name':'Types','type':'string','jsonPath':'.status.conditions[*].type'}]}").get("l")).orElseThrow();
        assertThat(cells(printer, crontab)).containsExactly("my-cron",
                "map[cronSpec:* * * * */5 image:my-image paused:false ratio:0.5 replicas:2]", "Synced");
    }

    @Test
    void unparsableJsonPathsFallBackToTheDefaultTable() {
        assertThat(CustomResourcePrinter.of(json("{'l':[{'name':'X','type':'string','jsonPath':'spec[('}]}").get("l"))).isEmpty();
    }
}
