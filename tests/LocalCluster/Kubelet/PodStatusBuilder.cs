using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using ZkSync.LocalCluster.Controllers;
using ZkSync.LocalCluster.Resources;

namespace ZkSync.LocalCluster.Kubelet;

/// <summary>
/// The status the kubelet writes for a pod (kubelet_pods.go generateAPIPodStatus, getPhase, the status manager's
/// condition generators): phase from the containers' states and the restart policy (a phase once final stays),
/// the kubelet's conditions (PodReadyToStartContainers, Initialized, Ready, ContainersReady) in its order with their
/// reasons and messages, each keeping its lastTransitionTime while its status stays, the other conditions (the
/// scheduler's PodScheduled, DisruptionTarget) kept; addresses, start time and container statuses.
/// </summary>
internal static class PodStatusBuilder
{
    private static readonly string[] KubeletConditions = ["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady"];

    public static JsonObject Build(JsonObject? current, PodStatusInput input, DateTimeOffset now)
    {
        var pod = input.Pod;
        var initNames = (pod.Spec.InitContainers ?? []).Select(c => c.Name).ToList();
        var names = pod.Spec.Containers.Select(c => c.Name).ToList();
        var initStatuses = input.InitContainerStatuses ?? (pod.Spec.InitContainers ?? []).Select(c => Waiting(c, input, "PodInitializing")).ToList();
        var statuses = input.ContainerStatuses ?? pod.Spec.Containers
            .Select(c => Waiting(c, input, initNames.Count > 0 ? "PodInitializing" : "ContainerCreating")).ToList();
        var currentPhase = JsonValues.String(current?["phase"]);
        var phase = currentPhase is "Succeeded" or "Failed"
            ? currentPhase
            : input.Failure is not null
                ? "Failed"
                : Phase(pod.Spec.RestartPolicy ?? "Always", initNames, initStatuses, names, statuses, input.Terminal);

        var status = current is null ? new JsonObject() : (JsonObject)current.DeepClone();
        status["phase"] = phase;
        if (input.Failure is { } failure)
        {
            status["reason"] = failure.Reason;
            status["message"] = failure.Message;
        }

        var conditions = (current?["conditions"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        var kubelet = new List<JsonObject>
        {
            Condition(conditions, "PodReadyToStartContainers", input.SandboxReady && !input.Terminal, null, null, now),
            Initialized(conditions, phase, initNames, initStatuses, now),
        };
        var (ready, reason, message) = ContainersReady(phase, names, statuses);
        var (gatesReady, gateMessage) = ReadinessGates(pod, conditions);
        kubelet.Add(ready && !gatesReady
            ? Condition(conditions, "Ready", false, "ReadinessGatesNotReady", gateMessage, now)
            : Condition(conditions, "Ready", ready, reason, message, now));
        kubelet.Add(Condition(conditions, "ContainersReady", ready, reason, message, now));
        var others = conditions.Where(c => !KubeletConditions.Contains(JsonValues.String(c["type"]))).Select(c => (JsonNode)c.DeepClone());
        status["conditions"] = new JsonArray([.. kubelet, .. others]);
        status["hostIP"] = input.HostIP;
        status["hostIPs"] = new JsonArray(new JsonObject { ["ip"] = input.HostIP });
        if (input.PodIP is { } ip)
        {
            status["podIP"] = ip.ToString();
            status["podIPs"] = new JsonArray(new JsonObject { ["ip"] = ip.ToString() });
        }

        status["startTime"] ??= Metadata.Timestamp(input.StartTime);
        if (initNames.Count > 0)
        {
            status["initContainerStatuses"] = Statuses(initStatuses);
        }

        status["containerStatuses"] = Statuses(statuses);
        return status;
    }

    /// <summary>The kubelet's getPhase: init containers pending or waiting keep the pod Pending; a running container
    /// makes it Running; when all have stopped, the restart policy and the exit codes decide.</summary>
    public static string Phase(
        string restartPolicy, IReadOnlyList<string> initNames, IReadOnlyList<V1ContainerStatus> initStatuses,
        IReadOnlyList<string> names, IReadOnlyList<V1ContainerStatus> statuses, bool terminal)
    {
        var pendingInitialization = 0;
        var failedInitialization = 0;
        foreach (var name in initNames)
        {
            var status = initStatuses.FirstOrDefault(s => s.Name == name);
            if (status?.State is null)
            {
                pendingInitialization++;
            }
            else if (status.State.Running is not null)
            {
                pendingInitialization++;
            }
            else if (status.State.Terminated is { } terminated)
            {
                if (terminated.ExitCode != 0)
                {
                    failedInitialization++;
                }
            }
            else if (status.LastState?.Terminated is { } last)
            {
                if (last.ExitCode != 0)
                {
                    failedInitialization++;
                }
            }
            else
            {
                pendingInitialization++;
            }
        }

        int unknown = 0, running = 0, waiting = 0, stopped = 0, succeeded = 0;
        foreach (var name in names)
        {
            var status = statuses.FirstOrDefault(s => s.Name == name);
            if (status?.State is null)
            {
                unknown++;
            }
            else if (status.State.Running is not null)
            {
                running++;
            }
            else if (status.State.Terminated is { } terminated)
            {
                stopped++;
                if (terminated.ExitCode == 0)
                {
                    succeeded++;
                }
            }
            else if (status.LastState?.Terminated is not null)
            {
                stopped++;
            }
            else
            {
                waiting++;
            }
        }

        if (failedInitialization > 0 && restartPolicy == "Never")
        {
            return "Failed";
        }

        if (terminal)
        {
            // Stopped for good (deleted, or every container done): the phase is final.
            if (failedInitialization > 0 || pendingInitialization > 0)
            {
                return "Failed";
            }

            return running == 0 && stopped == names.Count && stopped == succeeded ? "Succeeded" : "Failed";
        }

        if (pendingInitialization > 0 || waiting > 0)
        {
            return "Pending";
        }

        if (running > 0 && unknown == 0)
        {
            return "Running";
        }

        if (running == 0 && stopped > 0 && unknown == 0)
        {
            if (restartPolicy == "Always")
            {
                return "Running";
            }

            if (stopped == succeeded)
            {
                return "Succeeded";
            }

            return restartPolicy == "Never" ? "Failed" : "Running";
        }

        return "Pending";
    }

    private static V1ContainerStatus Waiting(V1Container container, PodStatusInput input, string defaultReason)
    {
        var (reason, message) = input.Waiting.TryGetValue(container.Name, out var waiting) ? waiting : (defaultReason, null);
        return new V1ContainerStatus
        {
            Name = container.Name,
            Image = container.Image,
            ImageID = "",
            Ready = false,
            RestartCount = 0,
            Started = false,
            State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = reason, Message = message } },
            LastState = new V1ContainerState(),
        };
    }

    private static JsonObject Initialized(List<JsonObject> conditions, string phase, List<string> initNames, IReadOnlyList<V1ContainerStatus> initStatuses, DateTimeOffset now)
    {
        if (initNames.Count == 0)
        {
            return Condition(conditions, "Initialized", true, null, null, now);
        }

        var incomplete = initNames.Where(n => initStatuses.FirstOrDefault(s => s.Name == n)?.State?.Terminated is not { ExitCode: 0 }).ToList();
        if (incomplete.Count == 0)
        {
            return Condition(conditions, "Initialized", true, phase == "Succeeded" ? "PodCompleted" : null, null, now);
        }

        return Condition(conditions, "Initialized", false, "ContainersNotInitialized", $"containers with incomplete status: [{string.Join(' ', incomplete)}]", now);
    }

    private static (bool Ready, string? Reason, string? Message) ContainersReady(string phase, List<string> names, IReadOnlyList<V1ContainerStatus> statuses)
    {
        if (phase == "Succeeded")
        {
            return (false, "PodCompleted", null);
        }

        var unknown = names.Where(n => statuses.All(s => s.Name != n)).ToList();
        var unready = names.Where(n => statuses.FirstOrDefault(s => s.Name == n) is { Ready: false }).ToList();
        var messages = new List<string>();
        if (unknown.Count > 0)
        {
            messages.Add($"containers with unknown status: [{string.Join(' ', unknown)}]");
        }

        if (unready.Count > 0)
        {
            messages.Add($"containers with unready status: [{string.Join(' ', unready)}]");
        }

        return messages.Count == 0 ? (true, null, null) : (false, "ContainersNotReady", string.Join(", ", messages));
    }

    private static (bool Ready, string? Message) ReadinessGates(V1Pod pod, List<JsonObject> conditions)
    {
        foreach (var gate in pod.Spec.ReadinessGates ?? [])
        {
            var condition = conditions.FirstOrDefault(c => JsonValues.String(c["type"]) == gate.ConditionType);
            if (condition is null)
            {
                return (false, $"corresponding condition of pod readiness gate \"{gate.ConditionType}\" does not exist.");
            }

            if (JsonValues.String(condition["status"]) != "True")
            {
                return (false, $"the status of pod readiness gate \"{gate.ConditionType}\" is not \"True\", but {JsonValues.String(condition["status"])}");
            }
        }

        return (true, null);
    }

    private static JsonObject Condition(List<JsonObject> existing, string type, bool value, string? reason, string? message, DateTimeOffset now)
    {
        var status = value ? "True" : "False";
        var previous = existing.FirstOrDefault(c => JsonValues.String(c["type"]) == type);
        var condition = new JsonObject
        {
            ["type"] = type,
            ["status"] = status,
            ["lastProbeTime"] = null,
            ["lastTransitionTime"] = previous is not null && JsonValues.String(previous["status"]) == status
                ? previous["lastTransitionTime"]?.DeepClone()
                : Metadata.Timestamp(now),
        };
        if (reason is not null)
        {
            condition["reason"] = reason;
        }

        if (message is not null)
        {
            condition["message"] = message;
        }

        return condition;
    }

    private static JsonArray Statuses(IReadOnlyList<V1ContainerStatus> statuses)
    {
        var array = new JsonArray();
        foreach (var status in statuses)
        {
            var json = (JsonObject)JsonNode.Parse(KubernetesJson.Serialize(status))!;
            TruncateTimes(json);
            json["lastState"] ??= new JsonObject();
            array.Add(json);
        }

        return array;
    }

    /// <summary>metav1.Time is RFC 3339 in whole seconds.</summary>
    private static void TruncateTimes(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    if (key is "startedAt" or "finishedAt" && Metadata.ParseTimestamp(value) is { } time)
                    {
                        obj[key] = Metadata.Timestamp(time);
                    }
                    else
                    {
                        TruncateTimes(value);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    TruncateTimes(item);
                }

                break;
        }
    }
}
