using System.Globalization;
using k8s.Models;
using ZkSync.Contracts;
using ZkSync.Operator.Entities;

namespace ZkSync.Operator.Reconciliation;

/// <summary>
/// Builds a pass's worker Jobs (pure: no I/O). Every pod runs zkrsync with its non-secret options in args and its
/// secrets from the session's Secrets (ZooKeeper credentials as environment variables zkrsync reads, the rsync
/// secret as a file), advertises and binds its pod IP (downward API), fails its Job at once on zkrsync's usage
/// and "finished with failed paths" exit codes, and has a pod that stopped before its session ended replaced.
/// </summary>
public static class WorkerJobBuilder
{
    private const string DataVolume = "data";
    private const string SecretVolume = "zkrsync-secret";
    private const string TmpVolume = "tmp";

    /// <summary>What a destination needs as root to recreate ownership, modes and device files; all else is dropped.</summary>
    public static IReadOnlyList<string> DestinationCapabilities { get; } = ["CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "SETGID", "SETUID", "MKNOD"];

    /// <summary>What a root source (and the master) needs to read every file and directory; all else is dropped.</summary>
    public static IReadOnlyList<string> SourceCapabilities { get; } = ["DAC_OVERRIDE"];

    public static V1Job Build(WorkerJobRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var session = request.Session;
        var spec = session.Spec;
        var name = session.Metadata.Name;
        var labels = SessionNames.Labels(name, request.Role, request.Pass);
        var count = request.Role switch
        {
            WorkerRole.Master => 1,
            WorkerRole.Sources => spec.SourceCount,
            _ => spec.DestinationCount,
        };

        var job = new V1Job
        {
            ApiVersion = "batch/v1",
            Kind = "Job",
            Metadata = new V1ObjectMeta
            {
                Name = SessionNames.Job(name, request.Role),
                NamespaceProperty = session.Metadata.NamespaceProperty,
                Labels = labels,
                Annotations = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    [SessionNames.ZooKeeperSessionAnnotation] = request.ZooKeeperSession,
                },
                OwnerReferences = [OwnerReference(session)],
            },
            Spec = new V1JobSpec
            {
                BackoffLimit = spec.BackoffLimit ?? V1Alpha1ZkRsyncSessionSpec.DefaultBackoffLimit,
                Completions = count,
                Parallelism = count,
                CompletionMode = request.Role == WorkerRole.Master ? "NonIndexed" : "Indexed",
                Suspend = spec.IsSuspended,
                TtlSecondsAfterFinished = spec.TtlSecondsAfterFinished,
                PodFailurePolicy = new V1PodFailurePolicy
                {
                    Rules =
                    [
                        // Usage errors and "finished with failed paths" do not get better by retrying.
                        new V1PodFailurePolicyRule
                        {
                            Action = "FailJob",
                            OnExitCodes = new V1PodFailurePolicyOnExitCodesRequirement
                            {
                                ContainerName = SessionNames.ContainerName,
                                OperatorProperty = "In",
                                Values = [ExitCodes.Usage, ExitCodes.PathsFailed],
                            },
                        },

                        // A worker stopped before its session ended (a pod deleted, evicted or drained gets SIGTERM; the
                        // master then suspends the session and stops every worker): the Job makes a new pod, which rejoins,
                        // and the new master resumes the session. Not counted against backoffLimit. While the user suspends
                        // the session, the Job is suspended and makes none.
                        new V1PodFailurePolicyRule
                        {
                            Action = "Ignore",
                            OnExitCodes = new V1PodFailurePolicyOnExitCodesRequirement
                            {
                                ContainerName = SessionNames.ContainerName,
                                OperatorProperty = "In",
                                Values = [ExitCodes.Stopped],
                            },
                        },

                        // A pod evicted or preempted is not the worker's failure: it does not count against backoffLimit.
                        new V1PodFailurePolicyRule
                        {
                            Action = "Ignore",
                            OnPodConditions = [new V1PodFailurePolicyOnPodConditionsPattern { Type = "DisruptionTarget", Status = "True" }],
                        },
                    ],
                },
                Template = PodTemplate(request, labels),
            },
        };
        return job;
    }

    /// <summary>The controller owner reference every object of a session carries (garbage collected with it).</summary>
    public static V1OwnerReference OwnerReference(V1Alpha1ZkRsyncSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return new V1OwnerReference
        {
            ApiVersion = ZkRsyncSessionResource.ApiVersion,
            Kind = ZkRsyncSessionResource.Kind,
            Name = session.Metadata.Name,
            Uid = session.Metadata.Uid,
            Controller = true,
            BlockOwnerDeletion = true,
        };
    }

    /// <summary>zkrsync's arguments (after <see cref="WorkerDefaults.ArgsPrefix"/>) for a role.</summary>
    public static List<string> Arguments(V1Alpha1ZkRsyncSessionSpec spec, WorkerRole role, string zooKeeperSession, string servers)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var args = new List<string>
        {
            role == WorkerRole.Destinations ? "--destination" : "--source",
            "--servers", servers,
            "--session", zooKeeperSession,
            "--rsyncpath", role == WorkerRole.Destinations ? WorkerDefaults.DestinationMountPath : WorkerDefaults.SourceMountPath,
            "--rsync-secret-file", WorkerDefaults.SecretMountPath + "/" + WorkerDefaults.RsyncSecretKey,
            "--tmpdir", WorkerDefaults.TmpPath + "/zkrsync",

            // Logs go to the container's output (kubectl logs), not to a file in the pod.
            "--logfile", string.Empty,
        };
        var rsync = spec.Rsync ?? new V1Alpha1RsyncOptions();
        if (rsync.DryRun == true)
        {
            args.Add("--dryrun"); // a session option: every client of the session gets it
        }

        if (role == WorkerRole.Destinations)
        {
            // Enough slots on the destinations for every source to push at once.
            var slots = (spec.SourceCount + spec.DestinationCount - 1) / spec.DestinationCount;
            args.AddRange(["--slots", Invariant(slots)]);
            return args;
        }

        args.AddRange(["--depth", Invariant(spec.DepthOrDefault)]);
        var subPaths = SubPathsArgument(spec.SubPaths);
        if (subPaths is not null)
        {
            args.AddRange(["--rsubpaths", subPaths]);
        }

        if (rsync.ExcludeRegex is not null)
        {
            args.AddRange(["--excludere", rsync.ExcludeRegex]);
        }

        if (rsync.ExcludeOwner is not null)
        {
            args.AddRange(["--excl_usr", rsync.ExcludeOwner]);
        }

        args.AddRange(["--progress-interval", Invariant(spec.ProgressIntervalOrDefault)]);

        // A stopped master (a suspension, an evicted or deleted pod: SIGTERM) keeps the session's queue for the master
        // that comes next, in this pass's resumed Jobs; the operator removes the znodes when it is done with the pass.
        // Every source gets it, since any of them may become the master. The pod template is fixed at creation, so
        // it is there from the start, suspended or not.
        args.Add("--keep-session-on-stop");

        // A master pod that starts after its pass ended (the Job replaced a killed master while a source took over and
        // finished) must not start the pass again: it exits with the pass's result while the summary is there.
        args.Add("--run-once");
        AddFlag(args, rsync.Delete, "--delete");
        AddFlag(args, rsync.Checksum, "--checksum");
        AddFlag(args, rsync.HardLinks, "--hardlinks");
        AddFlag(args, rsync.Inplace, "--inplace");
        AddFlag(args, rsync.FilesFrom, "--files-from");
        if (rsync.TimeoutSeconds is > 0)
        {
            args.AddRange(["--timeout", Invariant(rsync.TimeoutSeconds.Value)]);
        }

        if (rsync.Batch is { } batch)
        {
            args.AddRange(["--batch", Invariant(batch)]);
        }

        if (rsync.ExtraArgs is { Count: > 0 } extra)
        {
            args.AddRange(["--arbitopts", string.Join(',', extra.Select(RsyncExtraArgs.ToArbitOpt))]);
        }

        return args;
    }

    /// <summary><c>--rsubpaths</c>: <c>&lt;depth&gt;_&lt;path&gt;</c> items, ordered by the depth they reach (zkrsync wants the deepest last).</summary>
    public static string? SubPathsArgument(IList<V1Alpha1SubPath>? subPaths)
    {
        if (subPaths is not { Count: > 0 })
        {
            return null;
        }

        return string.Join(',', subPaths
            .Select((s, i) => (Path: s.Path.Trim('/'), s.Depth, Index: i))
            .OrderBy(s => s.Path.Count(c => c == '/') + 1 + s.Depth)
            .ThenBy(s => s.Index)
            .Select(s => Invariant(s.Depth) + "_" + s.Path));
    }

    private static V1PodTemplateSpec PodTemplate(WorkerJobRequest request, Dictionary<string, string> labels)
    {
        var session = request.Session;
        var spec = session.Spec;
        var workers = spec.Workers ?? new V1Alpha1WorkerOptions();
        var podLabels = new Dictionary<string, string>(workers.PodLabels ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        foreach (var (key, value) in labels)
        {
            podLabels[key] = value; // ours win: the operator finds its pods by them
        }

        var isDestination = request.Role == WorkerRole.Destinations;
        var tolerations = new List<V1Toleration>(workers.Tolerations ?? []);
        foreach (var toleration in request.Placement.Tolerations)
        {
            if (!tolerations.Any(t => SameToleration(t, toleration)))
            {
                tolerations.Add(toleration);
            }
        }

        var podSpec = new V1PodSpec
        {
            RestartPolicy = "Never", // podFailurePolicy needs it; the Job makes new pods
            EnableServiceLinks = false,
            ServiceAccountName = workers.ServiceAccountName,

            // Workers need no API access: no token unless the user names a service account for them.
            AutomountServiceAccountToken = workers.ServiceAccountName is null ? false : null,
            PriorityClassName = workers.PriorityClassName,
            NodeSelector = workers.NodeSelector is null ? null : new Dictionary<string, string>(workers.NodeSelector, StringComparer.Ordinal),
            Tolerations = tolerations.Count == 0 ? null : tolerations,
            Affinity = Affinity(workers.Affinity, request.Placement, session.Metadata.Name),
            TopologySpreadConstraints = request.Placement.Spreads && request.Role != WorkerRole.Master
                ? [SpreadConstraint(session.Metadata.Name, request.Role, request.Pass)]
                : null,
            SecurityContext = workers.PodSecurityContext ?? new V1PodSecurityContext
            {
                SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
            },
            Volumes =
            [
                DataVolumeOf(spec, isDestination),
                new V1Volume
                {
                    Name = SecretVolume,
                    Secret = new V1SecretVolumeSource
                    {
                        SecretName = SessionNames.Secret(session.Metadata.Name),
                        Items = [new V1KeyToPath { Key = WorkerDefaults.RsyncSecretKey, Path = WorkerDefaults.RsyncSecretKey }],

                        // Readable by a non-root worker too; only this pod's processes see the mount.
                        DefaultMode = Convert.ToInt32("444", 8),
                    },
                },
                new V1Volume { Name = TmpVolume, EmptyDir = new V1EmptyDirVolumeSource() },
            ],
            Containers = [Container(request, workers, isDestination)],
        };

        return new V1PodTemplateSpec
        {
            Metadata = new V1ObjectMeta
            {
                Labels = podLabels,
                Annotations = workers.PodAnnotations is { Count: > 0 } annotations
                    ? new Dictionary<string, string>(annotations, StringComparer.Ordinal)
                    : null,
            },
            Spec = podSpec,
        };
    }

    private static V1Container Container(WorkerJobRequest request, V1Alpha1WorkerOptions workers, bool isDestination)
    {
        var spec = request.Session.Spec;
        var args = new List<string>(request.Defaults.ArgsPrefix);
        args.AddRange(Arguments(spec, request.Role, request.ZooKeeperSession, request.Servers));
        return new V1Container
        {
            Name = SessionNames.ContainerName,
            Image = workers.Image ?? request.Defaults.Image,
            ImagePullPolicy = workers.ImagePullPolicy ?? request.Defaults.ImagePullPolicy,
            Command = request.Defaults.Command.Count == 0 ? null : [.. request.Defaults.Command],
            Args = args,
            Env =
            [
                SecretEnv("ZKRSYNC_USER", request.CredentialsSecret, WorkerDefaults.UserKey),
                SecretEnv("ZKRSYNC_PASSWD", request.CredentialsSecret, WorkerDefaults.PasswordKey),

                // Destinations advertise and bind this address; sources and the master identify themselves by it.
                new V1EnvVar { Name = "ZKRSYNC_HOST", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "status.podIP" } } },
            ],
            Resources = workers.Resources,
            SecurityContext = isDestination ? DestinationSecurityContext() : workers.SecurityContext ?? SourceSecurityContext(),
            TerminationMessagePolicy = "FallbackToLogsOnError",
            VolumeMounts =
            [
                new V1VolumeMount
                {
                    Name = DataVolume,
                    MountPath = isDestination ? WorkerDefaults.DestinationMountPath : WorkerDefaults.SourceMountPath,
                    SubPath = isDestination ? NullIfEmpty(spec.Destination.SubPath) : NullIfEmpty(spec.Source.SubPath),
                    ReadOnlyProperty = !isDestination && spec.Source.IsReadOnly,
                },
                new V1VolumeMount { Name = SecretVolume, MountPath = WorkerDefaults.SecretMountPath, ReadOnlyProperty = true },
                new V1VolumeMount { Name = TmpVolume, MountPath = WorkerDefaults.TmpPath },
            ],
        };
    }

    private static V1SecurityContext DestinationSecurityContext() => new()
    {
        RunAsUser = 0,
        RunAsNonRoot = false,
        AllowPrivilegeEscalation = false,
        ReadOnlyRootFilesystem = true,
        Capabilities = new V1Capabilities { Drop = ["ALL"], Add = [.. DestinationCapabilities] },
    };

    private static V1SecurityContext SourceSecurityContext() => new()
    {
        RunAsUser = 0,
        RunAsNonRoot = false,
        AllowPrivilegeEscalation = false,
        ReadOnlyRootFilesystem = true,
        Capabilities = new V1Capabilities { Drop = ["ALL"], Add = [.. SourceCapabilities] },
    };

    private static V1Volume DataVolumeOf(V1Alpha1ZkRsyncSessionSpec spec, bool isDestination)
    {
        var claim = isDestination ? spec.Destination.ClaimName : spec.Source.ClaimName;
        var inline = isDestination ? spec.Destination.Volume : spec.Source.Volume;
        var readOnly = !isDestination && spec.Source.IsReadOnly;
        if (claim is not null)
        {
            return new V1Volume
            {
                Name = DataVolume,
                PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = claim, ReadOnlyProperty = readOnly ? true : null },
            };
        }

        if (inline is null)
        {
            throw new ArgumentException($"spec.{(isDestination ? "destination" : "source")}: neither claimName nor volume");
        }

        // The inline source as given, under our name. Its own readOnly flags (nfs.readOnly ...) stay the user's;
        // the mount's readOnly protects the source either way.
        var volume = k8s.KubernetesJson.Deserialize<V1Volume>(k8s.KubernetesJson.Serialize(inline));
        volume.Name = DataVolume;
        return volume;
    }

    private static V1Affinity? Affinity(V1Affinity? user, Placement placement, string session)
    {
        if (placement.Spreads)
        {
            return user;
        }

        var affinity = user is null ? new V1Affinity() : k8s.KubernetesJson.Deserialize<V1Affinity>(k8s.KubernetesJson.Serialize(user));
        if (placement.WithSessionPods)
        {
            affinity.PodAffinity ??= new V1PodAffinity();
            affinity.PodAffinity.RequiredDuringSchedulingIgnoredDuringExecution =
                [.. affinity.PodAffinity.RequiredDuringSchedulingIgnoredDuringExecution ?? [], WithSessionPodsTerm(session)];
        }

        if (placement.Node is { } node)
        {
            PinToNode(affinity, node);
        }

        return affinity;
    }

    /// <summary>On the node of a pod of this session (any role, any pass: its claims are attached where they run). The
    /// pod matches its own term, so the first of the group may go to any node (the scheduler's rule for a group with
    /// affinity to itself); the namespace is the pod's own (no namespaces, no namespaceSelector).</summary>
    private static V1PodAffinityTerm WithSessionPodsTerm(string session) => new()
    {
        TopologyKey = "kubernetes.io/hostname",
        LabelSelector = new V1LabelSelector
        {
            MatchLabels = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [SessionNames.LabelManagedBy] = SessionNames.ManagedBy,
                [SessionNames.LabelSession] = session,
            },
        },
    };

    private static void PinToNode(V1Affinity affinity, string node)
    {
        affinity.NodeAffinity ??= new V1NodeAffinity();
        var pin = new V1NodeSelectorRequirement { Key = "metadata.name", OperatorProperty = "In", Values = [node] };
        var required = affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution;
        if (required?.NodeSelectorTerms is not { Count: > 0 } terms)
        {
            affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution = new V1NodeSelector
            {
                NodeSelectorTerms = [new V1NodeSelectorTerm { MatchFields = [pin] }],
            };
            return;
        }

        // Terms are ORed, a term's requirements ANDed: the pin goes into every term.
        foreach (var term in terms)
        {
            term.MatchFields = [.. term.MatchFields ?? [], pin];
        }
    }

    private static V1TopologySpreadConstraint SpreadConstraint(string session, WorkerRole role, int pass) => new()
    {
        MaxSkew = 1,
        TopologyKey = "kubernetes.io/hostname",
        WhenUnsatisfiable = "ScheduleAnyway",
        LabelSelector = new V1LabelSelector
        {
            MatchLabels = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [SessionNames.LabelSession] = session,
                [SessionNames.LabelRole] = SessionNames.RoleLabel(role),
                [SessionNames.LabelPass] = Invariant(pass),
            },
        },
    };

    private static V1EnvVar SecretEnv(string name, string secret, string key) => new()
    {
        Name = name,
        ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = secret, Key = key } },
    };

    private static bool SameToleration(V1Toleration a, V1Toleration b) =>
        a.Key == b.Key && a.OperatorProperty == b.OperatorProperty && a.Value == b.Value && a.Effect == b.Effect && a.TolerationSeconds == b.TolerationSeconds;

    private static void AddFlag(List<string> args, bool? flag, string option)
    {
        if (flag == true)
        {
            args.Add(option);
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
