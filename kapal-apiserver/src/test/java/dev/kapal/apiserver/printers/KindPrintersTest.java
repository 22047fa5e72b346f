package dev.kapal.apiserver.printers;

import static dev.kapal.apiserver.printers.PrinterTestSupport.cells;
import static dev.kapal.apiserver.printers.PrinterTestSupport.json;
import static dev.kapal.apiserver.printers.PrinterTestSupport.narrowCells;
import static dev.kapal.apiserver.printers.PrinterTestSupport.printer;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KindPrintersTest {
    private static final String CREATED = "'creationTimestamp':'2025-06-01T11:00:00Z'";

    @Test
    void deploymentShowsReadyOverDesiredAndWideTemplateColumns() {
        assertThat(cells(printer("apps", "Deployment"), json("{'metadata':{'name':'web'," + CREATED + "},"
                + "'spec':{'replicas':3,'selector':{'matchLabels':{'app':'web'},'matchExpressions':[{'key':'tier','operator':'In','values':['b','a']}]},"
                + "'template':{'spec':{'containers':[{'name':'nginx','image':'nginx:1.25'},{'name':'side','image':'busybox'}]}}},"
                + "'status':{'readyReplicas':2,'updatedReplicas':3,'availableReplicas':2}}")))
                .containsExactly("web", "2/3", 3L, 2L, "60m", "nginx,side", "nginx:1.25,busybox", "app=web,tier in (a,b)");
    }

    @Test
    void replicaSetAndJobSelectorsPrintNoneWhenEmpty() {
        assertThat(cells(printer("apps", "ReplicaSet"), json("{'metadata':{'name':'rs'," + CREATED + "},'spec':{'replicas':1}}")))
                .containsExactly("rs", 1L, 0L, 0L, "60m", "", "", "<none>");
    }

    @Test
    void servicesPrintTypeAddressesAndPorts() {
        assertThat(cells(printer("", "Service"), json("{'metadata':{'name':'np'," + CREATED + "},'spec':{'type':'NodePort',"
                + "'clusterIP':'10.43.0.20','clusterIPs':['10.43.0.20'],'selector':{'app':'web'},"
                + "'ports':[{'port':80,'nodePort':30080,'protocol':'TCP'},{'port':53,'protocol':'UDP'}]}}")))
                .containsExactly("np", "NodePort", "10.43.0.20", "<none>", "80:30080/TCP,53/UDP", "60m", "app=web");
        assertThat(narrowCells(printer("", "Service"), json("{'metadata':{'name':'lb'," + CREATED + "},'spec':{'type':'LoadBalancer',"
                + "'clusterIP':'10.43.0.21','ports':[{'port':443,'nodePort':31443,'protocol':'TCP'}]}}")))
                .containsExactly("lb", "LoadBalancer", "10.43.0.21", "<pending>", "443:31443/TCP", "60m");
        assertThat(narrowCells(printer("", "Service"), json("{'metadata':{'name':'ext'," + CREATED + "},'spec':{'type':'ExternalName',"
                + "'externalName':'example.com'}}")))
                .containsExactly("ext", "ExternalName", "<none>", "example.com", "<none>", "60m");
    }

    @Test
    void nodesSummarizeReadinessRolesAndSystemInfo() {
        assertThat(cells(printer("", "Node"), json("{'metadata':{'name':'n1'," + CREATED + ",'labels':{"
                + "'node-role.kubernetes.io/control-plane':'','node-role.kubernetes.io/master':'','kubernetes.io/role':'etcd'}},"
                + "'spec':{'unschedulable':true},'status':{'conditions':[{'type':'MemoryPressure','status':'False'},"
                + "{'type':'Ready','status':'True'}],'addresses':[{'type':'InternalIP','address':'10.0.0.1'}],"
                + "'nodeInfo':{'kubeletVersion':'v1.33.5','osImage':'Debian GNU/Linux 12 (bookworm)'}}}")))
                .containsExactly("n1", "Ready,SchedulingDisabled", "control-plane,etcd,master", "60m", "v1.33.5",
                        "10.0.0.1", "<none>", "Debian GNU/Linux 12 (bookworm)", "<unknown>", "<unknown>");
        assertThat(cells(printer("", "Node"), json("{'metadata':{'name':'n2'," + CREATED + "}}")).subList(1, 3))
                .containsExactly("Unknown", "<none>");
    }

    @Test
    void coreEventsAndEventsK8sIoEventsPrintAlike() {
        Object[] expected = {"5m", "Normal", "Pulled", "pod/web", "spec.containers{a}", "kubelet, node1",
                "Pulled image", "60m", 3L, "web.1"};
        assertThat(cells(EventPrinter.INSTANCE, json("{'apiVersion':'v1','kind':'Event','metadata':{'name':'web.1'},"
                + "'involvedObject':{'kind':'Pod','name':'web','fieldPath':'spec.containers{a}'},'reason':'Pulled',"
                + "'message':'Pulled image\\n','type':'Normal','source':{'component':'kubelet','host':'node1'},'count':3,"
                + "'firstTimestamp':'2025-06-01T11:00:00Z','lastTimestamp':'2025-06-01T11:55:00Z'}"))).containsExactly(expected);
        assertThat(cells(EventPrinter.INSTANCE, json("{'apiVersion':'events.k8s.io/v1','kind':'Event','metadata':{'name':'web.1'},"
                + "'regarding':{'kind':'Pod','name':'web','fieldPath':'spec.containers{a}'},'reason':'Pulled',"
                + "'note':'Pulled image','type':'Normal','deprecatedSource':{'component':'kubelet','host':'node1'},'deprecatedCount':3,"
                + "'deprecatedFirstTimestamp':'2025-06-01T11:00:00Z','deprecatedLastTimestamp':'2025-06-01T11:55:00Z'}")))
                .containsExactly(expected);
    }

    @Test
    void newStyleEventsUseEventTimeSeriesAndReportingController() {
        assertThat(narrowCells(EventPrinter.INSTANCE, json("{'apiVersion':'events.k8s.io/v1','metadata':{'name':'e'},"
                + "'regarding':{'kind':'Node'},'reason':'Rebooted','note':'n','type':'Warning',"
                + "'eventTime':'2025-06-01T11:00:00.000000Z','series':{'count':7,'lastObservedTime':'2025-06-01T11:59:00.000000Z'},"
                + "'reportingController':'kubelet','reportingInstance':'n1'}")))
                .containsExactly("60s", "Warning", "Rebooted", "node", "n");
    }

    @Test
    void jobsShowStatusCompletionsAndDuration() {
        assertThat(narrowCells(printer("batch", "Job"), json("{'metadata':{'name':'pi'," + CREATED + "},'spec':{'completions':3},"
                + "'status':{'succeeded':3,'startTime':'2025-06-01T11:00:00Z','completionTime':'2025-06-01T11:02:05Z',"
                + "'conditions':[{'type':'Complete','status':'True'}]}}")))
                .containsExactly("pi", "Complete", "3/3", "2m5s", "60m");
        assertThat(narrowCells(printer("batch", "Job"), json("{'metadata':{'name':'q'," + CREATED + "},'spec':{'parallelism':4},"
                + "'status':{'succeeded':1,'startTime':'2025-06-01T11:59:30Z'}}")))
                .containsExactly("q", "Running", "1/1 of 4", "30s", "60m");
    }

    @Test
    void countsOfDataAndSecrets() {
        assertThat(cells(printer("", "ConfigMap"), json("{'metadata':{'name':'c'," + CREATED + "},'data':{'a':'1'},'binaryData':{'b':'AA=='}}")))
                .containsExactly("c", 2L, "60m");
        assertThat(cells(printer("", "Secret"), json("{'metadata':{'name':'s'," + CREATED + "},'type':'Opaque','data':{'a':'YQ=='}}")))
                .containsExactly("s", "Opaque", 1L, "60m");
        assertThat(cells(printer("", "Namespace"), json("{'metadata':{'name':'default'," + CREATED + "},'status':{'phase':'Active'}}")))
                .containsExactly("default", "Active", "60m");
    }

    @Test
    void endpointsShowThreeAddressesAndCountTheRest() {
        assertThat(cells(printer("", "Endpoints"), json("{'metadata':{'name':'e'," + CREATED + "},'subsets':[{'addresses':["
                + "{'ip':'10.42.0.1'},{'ip':'10.42.0.2'}],'ports':[{'port':53},{'port':9153}]}]}")))
                .containsExactly("e", "10.42.0.1:53,10.42.0.2:53,10.42.0.1:9153 + 1 more...", "60m");
        assertThat(cells(printer("", "Endpoints"), json("{'metadata':{'name':'e'," + CREATED + "}}")).get(1)).isEqualTo("<none>");
    }

    @Test
    void kindsWithoutAPrinterGetNameAndCreatedAt() {
        TablePrinter roles = Printers.builtin().forKind("rbac.authorization.k8s.io", "Role");
        assertThat(roles.columns()).extracting(Column::name).containsExactly("Name", "Created At");
        assertThat(cells(roles, json("{'metadata':{'name':'r','creationTimestamp':'2025-06-01T11:00:00Z'}}")))
                .containsExactly("r", "2025-06-01T11:00:00Z");
    }

    @Test
    void everyBuiltinPrinterYieldsOneCellPerColumnForAnEmptyObject() {
        for (String[] kind : new String[][] {{"", "Pod"}, {"", "Service"}, {"", "Node"}, {"", "PersistentVolume"},
                {"", "PersistentVolumeClaim"}, {"", "ResourceQuota"}, {"", "PodTemplate"}, {"", "ReplicationController"},
                {"", "ServiceAccount"}, {"apps", "StatefulSet"}, {"apps", "DaemonSet"}, {"apps", "ControllerRevision"},
                {"batch", "CronJob"}, {"autoscaling", "HorizontalPodAutoscaler"}, {"policy", "PodDisruptionBudget"},
                {"networking.k8s.io", "Ingress"}, {"networking.k8s.io", "IngressClass"}, {"networking.k8s.io", "NetworkPolicy"},
                {"discovery.k8s.io", "EndpointSlice"}, {"rbac.authorization.k8s.io", "ClusterRoleBinding"},
                {"storage.k8s.io", "StorageClass"}, {"storage.k8s.io", "CSIDriver"}, {"storage.k8s.io", "CSINode"},
                {"storage.k8s.io", "VolumeAttachment"}, {"coordination.k8s.io", "Lease"}, {"scheduling.k8s.io", "PriorityClass"},
                {"certificates.k8s.io", "CertificateSigningRequest"},
                {"admissionregistration.k8s.io", "ValidatingWebhookConfiguration"},
                {"flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration"}}) {
            TablePrinter printer = printer(kind[0], kind[1]);
            assertThat(printer.row(json("{'metadata':{'name':'x'}}"), PrinterTestSupport.NOW).cells())
                    .as(kind[1]).hasSize(printer.columns().size());
        }
    }

    @Test
    void storageClassesMarkTheDefaultAndPersistentVolumesTheirClaim() {
        assertThat(cells(printer("storage.k8s.io", "StorageClass"), json("{'metadata':{'name':'local-path'," + CREATED
                + ",'annotations':{'storageclass.kubernetes.io/is-default-class':'true'}},'provisioner':'rancher.io/local-path',"
                + "'reclaimPolicy':'Delete','volumeBindingMode':'WaitForFirstConsumer'}")))
                .containsExactly("local-path (default)", "rancher.io/local-path", "Delete", "WaitForFirstConsumer", false, "60m");
        assertThat(narrowCells(printer("", "PersistentVolume"), json("{'metadata':{'name':'pv1'," + CREATED + "},"
                + "'spec':{'capacity':{'storage':'1024Mi'},'accessModes':['ReadWriteMany','ReadWriteOnce'],"
                + "'persistentVolumeReclaimPolicy':'Retain','claimRef':{'namespace':'default','name':'data'},'storageClassName':'manual'},"
                + "'status':{'phase':'Bound'}}")))
                .containsExactly("pv1", "1Gi", "RWO,RWX", "Retain", "Bound", "default/data", "manual", "<unset>", "", "60m");
    }

    @Test
    void roleBindingsListSubjectsByKindInWideOutput() {
        assertThat(cells(printer("rbac.authorization.k8s.io", "RoleBinding"), json("{'metadata':{'name':'b'," + CREATED + "},"
                + "'roleRef':{'kind':'ClusterRole','name':'view'},'subjects':[{'kind':'User','name':'alice'},"
                + "{'kind':'ServiceAccount','namespace':'ns','name':'sa'},{'kind':'Group','name':'devs'},{'kind':'User','name':'bob'}]}")))
                .containsExactly("b", "ClusterRole/view", "60m", "alice, bob", "devs", "ns/sa");
    }
}
