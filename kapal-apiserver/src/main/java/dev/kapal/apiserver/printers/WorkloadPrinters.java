package dev.kapal.apiserver.printers;

import static dev.kapal.apiserver.printers.Cells.age;
import static dev.kapal.apiserver.printers.Cells.at;
import static dev.kapal.apiserver.printers.Cells.integer;
import static dev.kapal.apiserver.printers.Cells.items;
import static dev.kapal.apiserver.printers.Cells.name;
import static dev.kapal.apiserver.printers.Cells.number;
import static dev.kapal.apiserver.printers.Cells.present;
import static dev.kapal.apiserver.printers.Cells.string;
import static dev.kapal.apiserver.printers.Cells.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kapal.api.ApiException;
import dev.kapal.api.selector.LabelSelector;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** Printers of workload kinds: {@code apps}, {@code batch}, {@code autoscaling}, {@code policy}. */
final class WorkloadPrinters {
    private WorkloadPrinters() {
    }

    static void register(Printers.Builder printers) {
        printers.add("apps", "Deployment", deployments());
        printers.add("apps", "ReplicaSet", replicaSets());
        printers.add("apps", "StatefulSet", statefulSets());
        printers.add("apps", "DaemonSet", daemonSets());
        printers.add("apps", "ControllerRevision", controllerRevisions());
        printers.add("batch", "Job", jobs());
        printers.add("batch", "CronJob", cronJobs());
        printers.add("autoscaling", "HorizontalPodAutoscaler", HorizontalPodAutoscalerPrinter.INSTANCE);
        printers.add("policy", "PodDisruptionBudget", podDisruptionBudgets());
    }

    private static TablePrinter deployments() {
        return KindPrinter.cells(List.of(
                Column.objectName(),
                Column.text("Ready", "Number of the pod with ready state"),
                Column.text("Up-to-date", "Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
                Column.text("Available", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."),
                Column.age(),
                Column.text("Containers", Descriptions.CONTAINERS).wide(),
                Column.text("Images", Descriptions.IMAGES).wide(),
                Column.text("Selector", "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.").wide()),
                (deployment, now) -> {
                    String selector;
                    try {
                        selector = LabelSelector.toSelectorString(at(deployment, "spec", "selector"));
                    } catch (ApiException invalid) {
                        selector = "<invalid>";
                    }
                    List<JsonNode> containers = Cells.containers(at(deployment, "spec", "template", "spec", "containers"));
                    return List.of(text(name(deployment)),
                            text(Cells.ratio(number(deployment, "status", "readyReplicas"), number(deployment, "spec", "replicas"))),
                            integer(number(deployment, "status", "updatedReplicas")),
                            integer(number(deployment, "status", "availableReplicas")), age(deployment, now),
                            containers.get(0), containers.get(1), text(selector));
                });
    }

    private static TablePrinter replicaSets() {
        return KindPrinter.cells(List.of(
                Column.objectName(),
                Column.integer("Desired", "Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller"),
                Column.integer("Current", "Replicas is the most recently observed number of replicas. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller"),
                Column.integer("Ready", "The number of ready replicas for this replica set."),
                Column.age(),
                Column.text("Containers", Descriptions.CONTAINERS).wide(),
                Column.text("Images", Descriptions.IMAGES).wide(),
                Column.text("Selector", "Selector is a label query over pods that should match the replica count. If the selector is empty, it is defaulted to the labels present on the pod template. Label keys and values that must match in order to be controlled by this replica set. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors").wide()),
                (set, now) -> {
                    List<JsonNode> containers = Cells.containers(at(set, "spec", "template", "spec", "containers"));
                    return List.of(text(name(set)), integer(number(set, "spec", "replicas")),
                            integer(number(set, "status", "replicas")), integer(number(set, "status", "readyReplicas")),
                            age(set, now), containers.get(0), containers.get(1), text(Cells.selector(at(set, "spec", "selector"))));
                });
    }

    private static TablePrinter statefulSets() {
        return KindPrinter.cells(List.of(
                Column.objectName(),
                Column.text("Ready", "Number of the pod with ready state"),
                Column.age(),
                Column.text("Containers", Descriptions.CONTAINERS).wide(),
                Column.text("Images", Descriptions.IMAGES).wide()),
                (set, now) -> {
                    List<JsonNode> containers = Cells.containers(at(set, "spec", "template", "spec", "containers"));
                    return List.of(text(name(set)),
                            text(Cells.ratio(number(set, "status", "readyReplicas"), number(set, "spec", "replicas"))),
                            age(set, now), containers.get(0), containers.get(1));
                });
    }

    private static TablePrinter daemonSets() {
        return KindPrinter.cells(List.of(
                Column.objectName(),
                Column.integer("Desired", "The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod). More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/"),
                Column.integer("Current", "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod. More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/"),
                Column.integer("Ready", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready."),
                Column.integer("Up-to-date", "The total number of nodes that are running updated daemon pod"),
                Column.integer("Available", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)"),
                Column.text("Node Selector", "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/"),
                Column.age(),
                Column.text("Containers", Descriptions.CONTAINERS).wide(),
                Column.text("Images", Descriptions.IMAGES).wide(),
                Column.text("Selector", "A label query over pods that are managed by the daemon set. Must match in order to be controlled. If empty, defaulted to labels on Pod template. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors").wide()),
                (set, now) -> {
                    JsonNode status = set.path("status");
                    List<JsonNode> containers = Cells.containers(at(set, "spec", "template", "spec", "containers"));
                    return List.of(text(name(set)), integer(number(status, "desiredNumberScheduled")),
                            integer(number(status, "currentNumberScheduled")), integer(number(status, "numberReady")),
                            integer(number(status, "updatedNumberScheduled")), integer(number(status, "numberAvailable")),
                            text(Cells.labels(at(set, "spec", "template", "spec", "nodeSelector"))), age(set, now),
                            containers.get(0), containers.get(1), text(Cells.selector(at(set, "spec", "selector"))));
                });
    }

    private static TablePrinter controllerRevisions() {
        return KindPrinter.cells(List.of(
                Column.objectName(),
                Column.text("Controller", "Controller of the object"),
                Column.text("Revision", "Revision indicates the revision of the state represented by Data."),
                Column.age()),
                (revision, now) -> {
                    String controller = "<none>";
                    for (JsonNode owner : items(revision, "metadata", "ownerReferences")) {
                        if (Cells.flag(owner, "controller")) {
                            String apiVersion = string(owner, "apiVersion");
                            String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
                            String kind = string(owner, "kind");
                            // schema.GroupKind's String(): "Kind.group", or just "Kind" in the core group.
                            String groupKind = group.isEmpty() ? kind : kind + "." + group;
                            controller = kind.isEmpty() && group.isEmpty()
                                    ? string(owner, "name")
                                    : groupKind.toLowerCase(Locale.ROOT) + "/" + string(owner, "name");
                            break;
                        }
                    }
                    return List.of(text(name(revision)), text(controller), integer(number(revision, "revision")), age(revision, now));
                });
    }

    private static TablePrinter jobs() {
        return KindPrinter.cells(List.of(
                Column.objectName(),
                Column.text("Status", "Status of the job."),
                Column.text("Completions", "The number of pods which reached phase Succeeded. The value increases monotonically for a given spec. However, it may decrease in reaction to scale down of elastic indexed jobs."),
                Column.text("Duration", "Time required to complete the job."),
                Column.age(),
                Column.text("Containers", Descriptions.CONTAINERS).wide(),
                Column.text("Images", Descriptions.IMAGES).wide(),
                Column.text("Selector", "A label query over pods that should match the pod count. Normally, the system sets this field for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors").wide()),
                (job, now) -> {
                    JsonNode spec = job.path("spec");
                    JsonNode status = job.path("status");
                    long succeeded = number(status, "succeeded");
                    String completions;
                    if (present(spec, "completions")) {
                        completions = succeeded + "/" + number(spec, "completions");
                    } else {
                        long parallelism = number(spec, "parallelism");
                        completions = parallelism > 1 ? succeeded + "/1 of " + parallelism : succeeded + "/1";
                    }
                    String duration = "";
                    var start = Durations.parse(string(status, "startTime"));
                    if (start.isPresent()) {
                        var completion = Durations.parse(string(status, "completionTime"));
                        duration = Durations.human(Duration.between(start.get(), completion.orElse(now)));
                    }
                    String state;
                    if (jobCondition(status, "Complete")) {
                        state = "Complete";
                    } else if (jobCondition(status, "Failed")) {
                        state = "Failed";
                    } else if (Cells.deleting(job)) {
                        state = "Terminating";
                    } else if (jobCondition(status, "Suspended")) {
                        state = "Suspended";
                    } else if (jobCondition(status, "FailureTarget")) {
                        state = "FailureTarget";
                    } else {
                        state = "Running";
                    }
                    List<JsonNode> containers = Cells.containers(at(spec, "template", "spec", "containers"));
                    return List.of(text(name(job)), text(state), text(completions), text(duration), age(job, now),
                            containers.get(0), containers.get(1), text(Cells.selector(spec.path("selector"))));
                });
    }

    /** Upstream's {@code hasJobCondition}: the first condition of the type decides. */
    private static boolean jobCondition(JsonNode status, String type) {
        for (JsonNode condition : items(status, "conditions")) {
            if (string(condition, "type").equals(type)) {
                return string(condition, "status").equals("True");
            }
        }
        return false;
    }

    private static TablePrinter cronJobs() {
        return KindPrinter.cells(List.of(
                Column.objectName(),
                Column.text("Schedule", "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron."),
                Column.text("Timezone", "The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones. If not specified, this will default to the time zone of the kube-controller-manager process. The set of valid time zone names and the time zone offset is loaded from the system-wide time zone database by the API server during CronJob validation and the controller manager during execution. If no system-wide time zone database can be found a bundled version of the database is used instead. If the time zone name becomes invalid during the lifetime of a CronJob or due to a change in host configuration, the controller will stop creating new new Jobs and will create a system event with the reason UnknownTimeZone. More information can be found in https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#time-zones"),
                Column.bool("Suspend", "This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.  Defaults to false."),
                Column.integer("Active", "A list of pointers to currently running jobs."),
                Column.text("Last Schedule", "Information when was the last time the job was successfully scheduled."),
                Column.age(),
                Column.text("Containers", Descriptions.CONTAINERS).wide(),
                Column.text("Images", Descriptions.IMAGES).wide(),
                Column.text("Selector", "A label query over pods that should match the pod count. Normally, the system sets this field for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors").wide()),
                (cronJob, now) -> {
                    JsonNode spec = cronJob.path("spec");
                    String lastSchedule = present(cronJob, "status", "lastScheduleTime")
                            ? Durations.since(string(cronJob, "status", "lastScheduleTime"), now) : "<none>";
                    String timeZone = present(spec, "timeZone") ? string(spec, "timeZone") : "<none>";
                    // printBoolPtr: a string cell, although the column says boolean.
                    String suspend = present(spec, "suspend") ? (Cells.flag(spec, "suspend") ? "True" : "False") : "<unset>";
                    JsonNode jobSpec = at(spec, "jobTemplate", "spec");
                    List<JsonNode> containers = Cells.containers(at(jobSpec, "template", "spec", "containers"));
                    return List.of(text(name(cronJob)), text(string(spec, "schedule")), text(timeZone), text(suspend),
                            integer(Cells.size(cronJob, "status", "active")), text(lastSchedule), age(cronJob, now),
                            containers.get(0), containers.get(1), text(Cells.selector(jobSpec.path("selector"))));
                });
    }

    private static TablePrinter podDisruptionBudgets() {
        return KindPrinter.cells(List.of(
                Column.objectName(),
                Column.text("Min Available", "The minimum number of pods that must be available."),
                Column.text("Max Unavailable", "The maximum number of pods that may be unavailable."),
                Column.integer("Allowed Disruptions", "Calculated number of pods that may be disrupted at this time."),
                Column.age()),
                (budget, now) -> {
                    JsonNode spec = budget.path("spec");
                    String minAvailable = present(spec, "minAvailable") ? spec.get("minAvailable").asText() : "N/A";
                    String maxUnavailable = present(spec, "maxUnavailable") ? spec.get("maxUnavailable").asText() : "N/A";
                    return List.of(text(name(budget)), text(minAvailable), text(maxUnavailable),
                            integer(number(budget, "status", "disruptionsAllowed")), age(budget, now));
                });
    }
}
