package dev.kapal.apiserver.printers;

import static dev.kapal.apiserver.printers.PrinterTestSupport.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.ApiException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class TableDocumentTest {
    private final ObjectNode configMap = json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c','namespace':'default',"
            + "'resourceVersion':'42','labels':{'app':'web'},'creationTimestamp':'2025-06-01T11:00:00Z'},'data':{'a':'1'}}");
    private final TablePrinter printer = PrinterTestSupport.printer("", "ConfigMap");

    @Test
    void listTablesCarryListMetadataColumnsAndPartialObjectMetadataByDefault() {
        ObjectNode table = TableDocument.render(printer, List.of(configMap),
                new TableDocument.ListMeta("100", Optional.of("token"), OptionalLong.of(5)), IncludeObject.METADATA, true,
                PrinterTestSupport.NOW);
        assertThat(table.path("kind").asText()).isEqualTo("Table");
        assertThat(table.path("apiVersion").asText()).isEqualTo("meta.k8s.io/v1");
        assertThat(table.path("metadata").toString()).isEqualTo("{\"resourceVersion\":\"100\",\"continue\":\"token\",\"remainingItemCount\":5}");
        assertThat(table.path("columnDefinitions").get(0)).isEqualTo(json("{'name':'Name','type':'string','format':'name','description':'"
                + Descriptions.NAME + "','priority':0}"));
        ObjectNode row = (ObjectNode) table.path("rows").get(0);
        assertThat(row.path("cells").toString()).isEqualTo("[\"c\",1,\"60m\"]");
        assertThat(row.has("conditions")).isFalse();
        assertThat(row.path("object").path("kind").asText()).isEqualTo("PartialObjectMetadata");
        assertThat(row.path("object").path("apiVersion").asText()).isEqualTo("meta.k8s.io/v1");
        assertThat(row.path("object").path("metadata")).isEqualTo(configMap.path("metadata"));
    }

    @Test
    void includeObjectChoosesWhatRowsCarry() {
        ObjectNode whole = TableDocument.render(printer, List.of(configMap), TableDocument.ListMeta.ofObject(configMap),
                IncludeObject.OBJECT, true, PrinterTestSupport.NOW);
        assertThat(whole.path("metadata").path("resourceVersion").asText()).isEqualTo("42");
        assertThat(whole.path("rows").get(0).path("object")).isEqualTo(configMap);
        ObjectNode none = TableDocument.render(printer, List.of(configMap), TableDocument.ListMeta.ofObject(configMap),
                IncludeObject.NONE, true, PrinterTestSupport.NOW);
        assertThat(none.path("rows").get(0).get("object").isNull()).isTrue();
    }

    @Test
    void tablesWithoutHeadersSendNullColumnDefinitions() {
        ObjectNode table = TableDocument.render(printer, List.of(configMap), TableDocument.ListMeta.ofObject(configMap),
                IncludeObject.METADATA, false, PrinterTestSupport.NOW);
        assertThat(table.get("columnDefinitions").isNull()).isTrue();
        assertThat(table.path("rows")).hasSize(1);
    }

    @Test
    void includeObjectParsesUpstreamsValues() {
        assertThat(IncludeObject.parse(Optional.empty())).isEqualTo(IncludeObject.METADATA);
        assertThat(IncludeObject.parse(Optional.of("Object"))).isEqualTo(IncludeObject.OBJECT);
        assertThat(IncludeObject.parse(Optional.of("None"))).isEqualTo(IncludeObject.NONE);
        assertThatThrownBy(() -> IncludeObject.parse(Optional.of("All")))
                .isInstanceOf(ApiException.class).hasMessageContaining("unrecognized includeObject value: \"All\"");
    }
}
