package dev.kapal.apiserver.printers;

import static dev.kapal.apiserver.printers.PrinterTestSupport.cells;
import static dev.kapal.apiserver.printers.PrinterTestSupport.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class PodPrinterTest {
    private final TablePrinter pods = PrinterTestSupport.printer("", "Pod");

    private static ObjectNode pod(String status) {
        return json("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'web','creationTimestamp':'2025-06-01T11:55:00Z'},"
                + "'spec':{'containers':[{'name':'a','image':'nginx'}]},'status':" + status + "}");
    }

    private String status(ObjectNode pod) {
        return (String) cells(pods, pod).get(2);
    }

    @Test
    void columnsAreUpstreamsWithFourWideOnes() {
        assertThat(pods.columns()).extracting(Column::name).containsExactly("Name", "Ready", "Status", "Restarts", "Age",
                "IP", "Node", "Nominated Node", "Readiness Gates");
        assertThat(pods.columns()).extracting(Column::priority).containsExactly(0, 0, 0, 0, 0, 1, 1, 1, 1);
    }

    @Test
    void pendingPodWithoutStatusPrintsItsPhaseAndNones() {
        assertThat(cells(pods, pod("{'phase':'Pending'}")))
                .containsExactly("web", "0/1", "Pending", "0", "5m", "<none>", "<none>", "<none>", "<none>");
    }

    @Test
    void runningReadyPodCountsReadyContainersAndShowsItsIpAndNode() {
        ObjectNode pod = pod("{'phase':'Running','podIP':'10.42.0.7','podIPs':[{'ip':'10.42.0.7'}],"
                + "'conditions':[{'type':'Ready','status':'True'}],"
                + "'containerStatuses':[{'name':'a','ready':true,'restartCount':0,'state':{'running':{}}}]}");
        pod.with("spec").put("nodeName", "node1");
        assertThat(cells(pods, pod)).containsExactly("web", "1/1", "Running", "0", "5m", "10.42.0.7", "node1", "<none>", "<none>");
    }

    @Test
    void waitingReasonsWin() {
        assertThat(status(pod("{'phase':'Pending','containerStatuses':[{'name':'a','state':{'waiting':{'reason':'ContainerCreating'}}}]}")))
                .isEqualTo("ContainerCreating");
        assertThat(status(pod("{'phase':'Pending','containerStatuses':[{'name':'a','state':{'waiting':{'reason':'ErrImagePull'}}}]}")))
                .isEqualTo("ErrImagePull");
        assertThat(status(pod("{'phase':'Pending','containerStatuses':[{'name':'a','state':{'waiting':{'reason':'ImagePullBackOff'}}}]}")))
                .isEqualTo("ImagePullBackOff");
    }

    @Test
    void terminatedContainersShowTheirReasonOrExitCode() {
        assertThat(status(pod("{'phase':'Succeeded','containerStatuses':[{'name':'a','state':{'terminated':{'exitCode':0,'reason':'Completed'}}}]}")))
                .isEqualTo("Completed");
        assertThat(status(pod("{'phase':'Failed','containerStatuses':[{'name':'a','state':{'terminated':{'exitCode':1,'reason':'Error'}}}]}")))
                .isEqualTo("Error");
        assertThat(status(pod("{'phase':'Failed','containerStatuses':[{'name':'a','state':{'terminated':{'exitCode':137}}}]}")))
                .isEqualTo("ExitCode:137");
        assertThat(status(pod("{'phase':'Failed','containerStatuses':[{'name':'a','state':{'terminated':{'exitCode':0,'signal':9}}}]}")))
                .isEqualTo("Signal:9");
    }

    @Test
    void finishedPodsCarryTheCompletedRowCondition() {
        Row row = pods.row(pod("{'phase':'Succeeded'}"), PrinterTestSupport.NOW);
        assertThat(row.conditions()).containsExactly(
                new RowCondition("Completed", "True", "Succeeded", "The pod has completed successfully."));
        assertThat(pods.row(pod("{'phase':'Running'}"), PrinterTestSupport.NOW).conditions()).isEmpty();
    }

    @Test
    void podReasonSuchAsEvictedShowsInsteadOfThePhase() {
        assertThat(status(pod("{'phase':'Failed','reason':'Evicted','message':'low on memory'}"))).isEqualTo("Evicted");
    }

    @Test
    void crashLoopWithRestartsShowsWhenTheLastRestartWas() {
        List<Object> cells = cells(pods, pod("{'phase':'Running','containerStatuses':[{'name':'a','ready':false,'restartCount':3,"
                + "'lastState':{'terminated':{'exitCode':1,'finishedAt':'2025-06-01T11:55:00Z'}},"
                + "'state':{'waiting':{'reason':'CrashLoopBackOff'}}}]}"));
        assertThat(cells.subList(1, 4)).containsExactly("0/1", "CrashLoopBackOff", "3 (5m ago)");
    }

    @Test
    void restartsWithoutATerminationTimeShowOnlyTheCount() {
        assertThat(cells(pods, pod("{'phase':'Running','containerStatuses':[{'name':'a','restartCount':2,'state':{'running':{}}}]}")).get(3))
                .isEqualTo("2");
    }

    @Test
    void initContainersShowProgressAndFailures() {
        ObjectNode pod = pod("{'phase':'Pending','initContainerStatuses':[{'name':'i1','state':{'terminated':{'exitCode':0}}},"
                + "{'name':'i2','state':{'running':{}}}],'containerStatuses':[{'name':'a','state':{'waiting':{'reason':'PodInitializing'}}}]}");
        pod.with("spec").set("initContainers", json("{'l':[{'name':'i1'},{'name':'i2'}]}").get("l"));
        assertThat(status(pod)).isEqualTo("Init:1/2");

        ObjectNode failed = pod("{'phase':'Pending','initContainerStatuses':[{'name':'i1','state':{'terminated':{'exitCode':1,'reason':'Error'}}}]}");
        failed.with("spec").set("initContainers", json("{'l':[{'name':'i1'}]}").get("l"));
        assertThat(status(failed)).isEqualTo("Init:Error");

        ObjectNode backOff = pod("{'phase':'Pending','initContainerStatuses':[{'name':'i1','state':{'waiting':{'reason':'CrashLoopBackOff'}}}]}");
        backOff.with("spec").set("initContainers", json("{'l':[{'name':'i1'}]}").get("l"));
        assertThat(status(backOff)).isEqualTo("Init:CrashLoopBackOff");

        ObjectNode initialized = pod("{'phase':'Pending','conditions':[{'type':'Initialized','status':'True'}],"
                + "'initContainerStatuses':[{'name':'i1','state':{'terminated':{'exitCode':0,'reason':'Completed'}}}],"
                + "'containerStatuses':[{'name':'a','state':{'waiting':{'reason':'PodInitializing'}}}]}");
        initialized.with("spec").set("initContainers", json("{'l':[{'name':'i1'}]}").get("l"));
        assertThat(status(initialized)).isEqualTo("PodInitializing");
    }

    @Test
    void sidecarsCountAsContainersAndTheirRestartsCount() {
        ObjectNode pod = pod("{'phase':'Running','conditions':[{'type':'Initialized','status':'True'},{'type':'Ready','status':'True'}],"
                + "'initContainerStatuses':[{'name':'proxy','started':true,'ready':true,'restartCount':1,'state':{'running':{}}}],"
                + "'containerStatuses':[{'name':'a','ready':true,'restartCount':0,'state':{'running':{}}}]}");
        pod.with("spec").set("initContainers", json("{'l':[{'name':'proxy','restartPolicy':'Always'}]}").get("l"));
        assertThat(cells(pods, pod).subList(1, 4)).containsExactly("2/2", "Running", "1");
    }

    @Test
    void deletionShowsTerminatingOrUnknownForLostNodes() {
        ObjectNode deleting = pod("{'phase':'Running'}");
        deleting.with("metadata").put("deletionTimestamp", "2025-06-01T11:59:00Z");
        assertThat(status(deleting)).isEqualTo("Terminating");

        ObjectNode lost = pod("{'phase':'Running','reason':'NodeLost'}");
        lost.with("metadata").put("deletionTimestamp", "2025-06-01T11:59:00Z");
        assertThat(status(lost)).isEqualTo("Unknown");

        ObjectNode finished = pod("{'phase':'Succeeded'}");
        finished.with("metadata").put("deletionTimestamp", "2025-06-01T11:59:00Z");
        assertThat(status(finished)).isEqualTo("Succeeded");
    }

    @Test
    void completedContainerNextToARunningOneReadsRunningOrNotReady() {
        ObjectNode pod = pod("{'phase':'Running','conditions':[{'type':'Ready','status':'False'}],'containerStatuses':["
                + "{'name':'a','ready':false,'state':{'terminated':{'exitCode':0,'reason':'Completed'}}},"
                + "{'name':'b','ready':true,'state':{'running':{}}}]}");
        assertThat(status(pod)).isEqualTo("NotReady");
    }

    @Test
    void schedulingGatesShowSchedulingGated() {
        assertThat(status(pod("{'phase':'Pending','conditions':[{'type':'PodScheduled','status':'False','reason':'SchedulingGated'}]}")))
                .isEqualTo("SchedulingGated");
    }

    @Test
    void readinessGatesCountTrueConditions() {
        ObjectNode pod = pod("{'phase':'Running','conditions':[{'type':'example.com/lb','status':'True'}]}");
        pod.with("spec").set("readinessGates", json("{'l':[{'conditionType':'example.com/lb'},{'conditionType':'example.com/dns'}]}").get("l"));
        assertThat(cells(pods, pod).get(8)).isEqualTo("1/2");
    }
}
