using k8s.Models;
using ZkSync.Contracts;
using ZkSync.Operator.Entities;
using ZkSync.Operator.Reconciliation;

namespace ZkSync.Operator.Tests.Reconciliation;

public sealed class WorkerJobBuilderTests
{
    private static V1Container Container(V1Job job) => Assert.Single(job.Spec.Template.Spec.Containers);

    private static List<string> Args(V1Job job) => [.. Container(job).Args];

    private static string? ValueAfter(IReadOnlyList<string> args, string option)
    {
        var i = args.ToList().IndexOf(option);
        return i < 0 || i + 1 >= args.Count ? null : args[i + 1];
    }

    [Fact]
    public void MasterJob_IsOneSourcePod_OwnedByTheSession_WithTheSessionsDefaults()
    {
        var session = TestSessions.New();
        var job = TestSessions.Job(session, WorkerRole.Master, pass: 2);

        Assert.Equal("home-master", job.Metadata.Name);
        Assert.Equal("apps", job.Metadata.NamespaceProperty);
        var owner = Assert.Single(job.Metadata.OwnerReferences);
        Assert.Equal((ZkRsyncSessionResource.ApiVersion, ZkRsyncSessionResource.Kind, "home", TestSessions.Uid, true, true),
            (owner.ApiVersion, owner.Kind, owner.Name, owner.Uid, owner.Controller, owner.BlockOwnerDeletion));
        Assert.Equal((1, 1, "NonIndexed"), (job.Spec.Parallelism, job.Spec.Completions, job.Spec.CompletionMode));
        Assert.Equal(6, job.Spec.BackoffLimit);
        Assert.False(job.Spec.Suspend);
        Assert.Null(job.Spec.TtlSecondsAfterFinished);
        Assert.Equal("2", job.Metadata.Labels[SessionNames.LabelPass]);
        Assert.Equal("master", job.Spec.Template.Metadata.Labels[SessionNames.LabelRole]);
        Assert.Equal("apps-home-0c1d2e3f-2", job.Metadata.Annotations[SessionNames.ZooKeeperSessionAnnotation]);

        var args = Args(job);
        Assert.Equal("zkrsync", args[0]);
        Assert.Equal("--source", args[1]);
        Assert.Equal("zk:2181", ValueAfter(args, "--servers"));
        Assert.Equal("apps-home-0c1d2e3f-2", ValueAfter(args, "--session"));
        Assert.Equal("/data/source", ValueAfter(args, "--rsyncpath"));
        Assert.Equal("3", ValueAfter(args, "--depth"));
        Assert.Equal("5", ValueAfter(args, "--progress-interval"));
        Assert.Equal("/etc/zkrsync/rsync-secret", ValueAfter(args, "--rsync-secret-file"));
        Assert.Equal(string.Empty, ValueAfter(args, "--logfile"));
        Assert.Equal("/tmp/zkrsync", ValueAfter(args, "--tmpdir"));
        foreach (var absent in new[] { "--delete", "--checksum", "--hardlinks", "--inplace", "--dryrun", "--files-from", "--timeout", "--batch", "--arbitopts", "--rsubpaths", "--excludere", "--excl_usr", "--slots" })
        {
            Assert.DoesNotContain(absent, args);
        }
    }

    [Fact]
    public void EverySource_KeepsTheSessionWhenStopped_SoASuspendedPassResumesFromItsQueue()
    {
        var session = TestSessions.New();
        Assert.Contains("--keep-session-on-stop", Args(TestSessions.Job(session, WorkerRole.Master)));
        Assert.Contains("--keep-session-on-stop", Args(TestSessions.Job(session, WorkerRole.Sources)));
        Assert.DoesNotContain("--keep-session-on-stop", Args(TestSessions.Job(session, WorkerRole.Destinations)));
        Assert.Contains("--run-once", Args(TestSessions.Job(session, WorkerRole.Master)));
        Assert.Contains("--run-once", Args(TestSessions.Job(session, WorkerRole.Sources)));
        Assert.DoesNotContain("--run-once", Args(TestSessions.Job(session, WorkerRole.Destinations)));
    }

    [Fact]
    public void WorkerJobs_AreIndexed_WithOnePodPerWorker()
    {
        var session = TestSessions.New(configure: s => { s.Sources = 7; s.Destinations = 3; });

        var sources = TestSessions.Job(session, WorkerRole.Sources);
        var destinations = TestSessions.Job(session, WorkerRole.Destinations);

        Assert.Equal(("home-sources", 7, 7, "Indexed"), (sources.Metadata.Name, sources.Spec.Parallelism, sources.Spec.Completions, sources.Spec.CompletionMode));
        Assert.Equal(("home-destinations", 3, 3, "Indexed"), (destinations.Metadata.Name, destinations.Spec.Parallelism, destinations.Spec.Completions, destinations.Spec.CompletionMode));
        Assert.Equal("--destination", Args(destinations)[1]);
        Assert.Equal("/data/destination", ValueAfter(Args(destinations), "--rsyncpath"));

        // 7 sources over 3 destinations: 3 slots each, so every source can push at once.
        Assert.Equal("3", ValueAfter(Args(destinations), "--slots"));
        Assert.DoesNotContain("--depth", Args(destinations));
    }

    [Fact]
    public void Destinations_WhenOmitted_AreAsManyAsSources()
    {
        var session = TestSessions.New(configure: s => s.Sources = 5);

        var destinations = TestSessions.Job(session, WorkerRole.Destinations);

        Assert.Equal(5, destinations.Spec.Parallelism);
        Assert.Equal("1", ValueAfter(Args(destinations), "--slots"));
    }

    [Fact]
    public void EveryPod_FailsItsJobAtOnce_OnUsageAndPathsFailedExitCodes_AndIsReplacedWhenStoppedBeforeTheEndOrDisrupted()
    {
        foreach (var role in Enum.GetValues<WorkerRole>())
        {
            var job = TestSessions.Job(TestSessions.New(), role);
            Assert.Equal("Never", job.Spec.Template.Spec.RestartPolicy);
            var rules = job.Spec.PodFailurePolicy.Rules;
            var failJob = Assert.Single(rules, r => r.Action == "FailJob");
            Assert.Equal(SessionNames.ContainerName, failJob.OnExitCodes.ContainerName);
            Assert.Equal("In", failJob.OnExitCodes.OperatorProperty);
            Assert.Equal([ExitCodes.Usage, ExitCodes.PathsFailed], failJob.OnExitCodes.Values);
            var ignored = rules.Where(r => r.Action == "Ignore").ToList();
            Assert.Equal(2, ignored.Count);

            // Stopped before the session ended (SIGTERM to a worker, or the master suspended the session): a new pod rejoins.
            var stopped = Assert.Single(ignored, r => r.OnExitCodes is not null);
            Assert.Equal(SessionNames.ContainerName, stopped.OnExitCodes.ContainerName);
            Assert.Equal("In", stopped.OnExitCodes.OperatorProperty);
            Assert.Equal([ExitCodes.Stopped], stopped.OnExitCodes.Values);
            Assert.Equal("DisruptionTarget", Assert.Single(Assert.Single(ignored, r => r.OnPodConditions is not null).OnPodConditions).Type);

            // A crash (exit 1, a signal's 128+n) counts against backoffLimit: no rule takes it.
            Assert.DoesNotContain(rules, r => r.OnExitCodes?.Values.Contains(ExitCodes.Crash) == true);
        }
    }

    [Fact]
    public void Secrets_ReachThePodsAsEnvironmentAndFiles_NeverAsArguments()
    {
        foreach (var role in Enum.GetValues<WorkerRole>())
        {
            var job = TestSessions.Job(TestSessions.New(), role);
            var container = Container(job);
            var env = container.Env.ToDictionary(e => e.Name);
            Assert.Equal(("home-zkrsync", "user"), (env["ZKRSYNC_USER"].ValueFrom.SecretKeyRef.Name, env["ZKRSYNC_USER"].ValueFrom.SecretKeyRef.Key));
            Assert.Equal(("home-zkrsync", "password"), (env["ZKRSYNC_PASSWD"].ValueFrom.SecretKeyRef.Name, env["ZKRSYNC_PASSWD"].ValueFrom.SecretKeyRef.Key));
            Assert.All(container.Env, e => Assert.Null(e.Value));
            Assert.DoesNotContain(container.Args, a => a is "--passwd" or "-p" or "--user" or "-u");

            var secretVolume = Assert.Single(job.Spec.Template.Spec.Volumes, v => v.Secret is not null);
            Assert.Equal("home-zkrsync", secretVolume.Secret.SecretName);
            Assert.Equal("rsync-secret", Assert.Single(secretVolume.Secret.Items).Key);
            var mount = Assert.Single(container.VolumeMounts, m => m.Name == secretVolume.Name);
            Assert.Equal(("/etc/zkrsync", true), (mount.MountPath, mount.ReadOnlyProperty));
        }
    }

    [Fact]
    public void CredentialsSecretRef_IsWhereTheWorkersGetTheirZooKeeperCredentials()
    {
        var session = TestSessions.New(configure: s => s.ZooKeeper = new V1Alpha1ZooKeeperOptions
        {
            Servers = "zk-a:2181,zk-b:2181",
            CredentialsSecretRef = new V1Alpha1SecretReference { Name = "shared-zk" },
        });

        var env = Container(TestSessions.Job(session, WorkerRole.Sources)).Env.ToDictionary(e => e.Name);

        Assert.Equal("shared-zk", env["ZKRSYNC_USER"].ValueFrom.SecretKeyRef.Name);
        Assert.Equal("shared-zk", env["ZKRSYNC_PASSWD"].ValueFrom.SecretKeyRef.Name);
    }

    [Fact]
    public void EveryPod_AdvertisesAndBindsItsPodIp_FromTheDownwardApi()
    {
        foreach (var role in Enum.GetValues<WorkerRole>())
        {
            var host = Assert.Single(Container(TestSessions.Job(TestSessions.New(), role)).Env, e => e.Name == "ZKRSYNC_HOST");
            Assert.Equal("status.podIP", host.ValueFrom.FieldRef.FieldPath);
        }
    }

    [Fact]
    public void Source_IsMountedReadOnly_UnlessReadOnlyIsFalse_AndDestinationReadWrite()
    {
        var session = TestSessions.New(configure: s => { s.Source.SubPath = "home"; s.Destination.SubPath = "data/home"; });
        var master = TestSessions.Job(session, WorkerRole.Master);
        var destinations = TestSessions.Job(session, WorkerRole.Destinations);

        var data = Assert.Single(master.Spec.Template.Spec.Volumes, v => v.PersistentVolumeClaim is not null);
        Assert.Equal(("old-home", true), (data.PersistentVolumeClaim.ClaimName, data.PersistentVolumeClaim.ReadOnlyProperty));
        var mount = Assert.Single(Container(master).VolumeMounts, m => m.Name == data.Name);
        Assert.Equal(("/data/source", "home", true), (mount.MountPath, mount.SubPath, mount.ReadOnlyProperty));

        var destinationData = Assert.Single(destinations.Spec.Template.Spec.Volumes, v => v.PersistentVolumeClaim is not null);
        Assert.Equal("new-home", destinationData.PersistentVolumeClaim.ClaimName);
        Assert.Null(destinationData.PersistentVolumeClaim.ReadOnlyProperty);
        var destinationMount = Assert.Single(Container(destinations).VolumeMounts, m => m.Name == destinationData.Name);
        Assert.Equal(("/data/destination", "data/home", false), (destinationMount.MountPath, destinationMount.SubPath, destinationMount.ReadOnlyProperty));

        session.Spec.Source.ReadOnly = false;
        var writable = TestSessions.Job(session, WorkerRole.Sources);
        Assert.False(Assert.Single(Container(writable).VolumeMounts, m => m.MountPath == "/data/source").ReadOnlyProperty);
    }

    [Fact]
    public void InlineVolumes_AreUsedAsGiven_UnderTheOperatorsVolumeName()
    {
        var session = TestSessions.New(configure: s =>
        {
            s.Source = new V1Alpha1SourceVolume { Volume = new V1Volume { Name = "ignored", Nfs = new V1NFSVolumeSource { Server = "nas", Path = "/export/home" } } };
            s.Destination = new V1Alpha1DestinationVolume { Volume = new V1Volume { Nfs = new V1NFSVolumeSource { Server = "nas2", Path = "/home" } } };
        });

        var master = TestSessions.Job(session, WorkerRole.Master);
        var destinations = TestSessions.Job(session, WorkerRole.Destinations);

        var nfs = Assert.Single(master.Spec.Template.Spec.Volumes, v => v.Nfs is not null);
        Assert.Equal(("data", "nas", "/export/home"), (nfs.Name, nfs.Nfs.Server, nfs.Nfs.Path));
        Assert.True(Assert.Single(Container(master).VolumeMounts, m => m.Name == "data").ReadOnlyProperty);
        Assert.Equal("nas2", Assert.Single(destinations.Spec.Template.Spec.Volumes, v => v.Nfs is not null).Nfs.Server);

        // The session's own object is not changed by building.
        Assert.Equal("ignored", session.Spec.Source.Volume!.Name);
    }

    [Fact]
    public void RsyncOptions_BecomeZkrsyncOptionsOfTheSourcesAndMaster()
    {
        var session = TestSessions.New(configure: s =>
        {
            s.Depth = 5;
            s.ProgressIntervalSeconds = 1;
            s.Rsync = new V1Alpha1RsyncOptions
            {
                Delete = true,
                Checksum = true,
                HardLinks = true,
                Inplace = true,
                DryRun = true,
                TimeoutSeconds = 300,
                ExcludeRegex = "/cache(/|$)",
                ExcludeOwner = "",
                Batch = 16,
                FilesFrom = true,
                ExtraArgs = ["--bwlimit=10m", "--numeric-ids"],
            };
        });

        foreach (var role in new[] { WorkerRole.Master, WorkerRole.Sources })
        {
            var args = Args(TestSessions.Job(session, role));
            Assert.Equal("5", ValueAfter(args, "--depth"));
            Assert.Equal("1", ValueAfter(args, "--progress-interval"));
            foreach (var flag in new[] { "--delete", "--checksum", "--hardlinks", "--inplace", "--dryrun", "--files-from" })
            {
                Assert.Contains(flag, args);
            }

            Assert.Equal("300", ValueAfter(args, "--timeout"));
            Assert.Equal("/cache(/|$)", ValueAfter(args, "--excludere"));
            Assert.Equal(string.Empty, ValueAfter(args, "--excl_usr"));
            Assert.Equal("16", ValueAfter(args, "--batch"));
            Assert.Equal("bwlimit:10m,numeric-ids", ValueAfter(args, "--arbitopts"));
        }

        // Destinations get the session option (dry run) and none of the sources' rsync options.
        var destinationArgs = Args(TestSessions.Job(session, WorkerRole.Destinations));
        Assert.Contains("--dryrun", destinationArgs);
        Assert.DoesNotContain("--delete", destinationArgs);
        Assert.DoesNotContain("--arbitopts", destinationArgs);
    }

    [Fact]
    public void TimeoutZero_MeansNoTimeoutOption()
    {
        var session = TestSessions.New(configure: s => s.Rsync = new V1Alpha1RsyncOptions { TimeoutSeconds = 0 });
        Assert.DoesNotContain("--timeout", Args(TestSessions.Job(session, WorkerRole.Sources)));
    }

    [Fact]
    public void SubPaths_BecomeRsubpaths_DeepestLast()
    {
        var session = TestSessions.New(configure: s => s.SubPaths =
        [
            new V1Alpha1SubPath { Path = "projects/big/", Depth = 2 },
            new V1Alpha1SubPath { Path = "users", Depth = 1 },
        ]);

        Assert.Equal("1_users,2_projects/big", ValueAfter(Args(TestSessions.Job(session, WorkerRole.Master)), "--rsubpaths"));
        Assert.Null(WorkerJobBuilder.SubPathsArgument([]));
    }

    [Fact]
    public void SuspendBackoffAndTtl_GoToTheJobs()
    {
        var session = TestSessions.New(configure: s => { s.Suspend = true; s.BackoffLimit = 2; s.TtlSecondsAfterFinished = 600; });

        foreach (var role in Enum.GetValues<WorkerRole>())
        {
            var job = TestSessions.Job(session, role);
            Assert.Equal((true, 2, 600), (job.Spec.Suspend, job.Spec.BackoffLimit, job.Spec.TtlSecondsAfterFinished));
        }
    }

    [Fact]
    public void Destinations_RunAsRoot_WithOnlyTheCapabilitiesToSetOwnership()
    {
        var session = TestSessions.New(configure: s => s.Workers = new V1Alpha1WorkerOptions { SecurityContext = new V1SecurityContext { RunAsUser = 1000 } });

        var context = Container(TestSessions.Job(session, WorkerRole.Destinations)).SecurityContext;

        Assert.Equal(0, context.RunAsUser);
        Assert.False(context.AllowPrivilegeEscalation);
        Assert.True(context.ReadOnlyRootFilesystem);
        Assert.Equal(["ALL"], context.Capabilities.Drop);
        Assert.Equal(["CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "SETGID", "SETUID", "MKNOD"], context.Capabilities.Add);
    }

    [Fact]
    public void Sources_RunAsRootReadingEverything_OrAsTheUserTheSecurityContextNames()
    {
        var rootContext = Container(TestSessions.Job(TestSessions.New(), WorkerRole.Sources)).SecurityContext;
        Assert.Equal(0, rootContext.RunAsUser);
        Assert.Equal(["ALL"], rootContext.Capabilities.Drop);
        Assert.Equal(["DAC_OVERRIDE"], rootContext.Capabilities.Add);

        var session = TestSessions.New(configure: s => s.Workers = new V1Alpha1WorkerOptions
        {
            SecurityContext = new V1SecurityContext { RunAsUser = 1000, RunAsNonRoot = true },
        });
        foreach (var role in new[] { WorkerRole.Master, WorkerRole.Sources })
        {
            var context = Container(TestSessions.Job(session, role)).SecurityContext;
            Assert.Equal((1000L, true), (context.RunAsUser, context.RunAsNonRoot));
        }
    }

    [Fact]
    public void Workers_PodSettings_ReachEveryPod()
    {
        var session = TestSessions.New(configure: s => s.Workers = new V1Alpha1WorkerOptions
        {
            Image = "registry.local/zksync:2",
            ImagePullPolicy = "Always",
            Resources = new V1ResourceRequirements { Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new("512Mi") } },
            NodeSelector = new Dictionary<string, string> { ["disk"] = "fast" },
            Tolerations = [new V1Toleration { Key = "storage", OperatorProperty = "Exists" }],
            Affinity = new V1Affinity { PodAntiAffinity = new V1PodAntiAffinity() },
            PodSecurityContext = new V1PodSecurityContext { FsGroup = 2000 },
            PriorityClassName = "migration",
            ServiceAccountName = "zkrsync-workers",
            PodLabels = new Dictionary<string, string> { ["team"] = "storage", [SessionNames.LabelRole] = "spoofed" },
            PodAnnotations = new Dictionary<string, string> { ["backup"] = "no" },
        });

        foreach (var role in Enum.GetValues<WorkerRole>())
        {
            var template = TestSessions.Job(session, role).Spec.Template;
            var pod = template.Spec;
            var container = Container(TestSessions.Job(session, role));
            Assert.Equal(("registry.local/zksync:2", "Always"), (container.Image, container.ImagePullPolicy));
            Assert.Equal("512Mi", container.Resources.Limits["memory"].ToString());
            Assert.Equal("fast", pod.NodeSelector["disk"]);
            Assert.Equal("storage", Assert.Single(pod.Tolerations).Key);
            Assert.NotNull(pod.Affinity.PodAntiAffinity);
            Assert.Equal(2000, pod.SecurityContext.FsGroup);
            Assert.Equal("migration", pod.PriorityClassName);
            Assert.Equal("zkrsync-workers", pod.ServiceAccountName);
            Assert.Null(pod.AutomountServiceAccountToken);
            Assert.Equal("storage", template.Metadata.Labels["team"]);
            Assert.Equal(SessionNames.RoleLabel(role), template.Metadata.Labels[SessionNames.LabelRole]);
            Assert.Equal("no", template.Metadata.Annotations["backup"]);
        }
    }

    [Fact]
    public void WithoutWorkerSettings_PodsGetNoApiToken_RuntimeDefaultSeccomp_AndTheConfiguredImage()
    {
        var job = TestSessions.Job(TestSessions.New(), WorkerRole.Sources);
        var pod = job.Spec.Template.Spec;

        Assert.False(pod.AutomountServiceAccountToken);
        Assert.False(pod.EnableServiceLinks);
        Assert.Equal("RuntimeDefault", pod.SecurityContext.SeccompProfile.Type);
        Assert.Equal(TestSessions.Defaults.Image, Container(job).Image);
        Assert.Null(Container(job).Command);
        Assert.Equal("FallbackToLogsOnError", Container(job).TerminationMessagePolicy);
        Assert.Contains(pod.Volumes, v => v.EmptyDir is not null && Container(job).VolumeMounts.Any(m => m.Name == v.Name && m.MountPath == "/tmp"));
    }

    [Fact]
    public void ConfiguredCommand_ReplacesTheImageEntrypoint()
    {
        var session = TestSessions.New();
        var job = WorkerJobBuilder.Build(new WorkerJobRequest(session, WorkerRole.Master, 1, "s", "zk:1", "home-zkrsync", Placement.Spread,
            new WorkerDefaults("img", ["/usr/bin/zkrsync"], [], "IfNotPresent")));

        Assert.Equal(["/usr/bin/zkrsync"], Container(job).Command);
        Assert.Equal("--source", Container(job).Args[0]);
        Assert.Equal("IfNotPresent", Container(job).ImagePullPolicy);
    }

    [Fact]
    public void PinnedPlacement_AddsTheNodeToEveryAffinityTerm_AndCopiesTolerations()
    {
        var session = TestSessions.New(configure: s => s.Workers = new V1Alpha1WorkerOptions
        {
            Affinity = new V1Affinity
            {
                NodeAffinity = new V1NodeAffinity
                {
                    RequiredDuringSchedulingIgnoredDuringExecution = new V1NodeSelector
                    {
                        NodeSelectorTerms =
                        [
                            new V1NodeSelectorTerm { MatchExpressions = [new V1NodeSelectorRequirement { Key = "zone", OperatorProperty = "In", Values = ["a"] }] },
                            new V1NodeSelectorTerm { MatchExpressions = [new V1NodeSelectorRequirement { Key = "zone", OperatorProperty = "In", Values = ["b"] }] },
                        ],
                    },
                },
            },
            Tolerations = [new V1Toleration { Key = "a", OperatorProperty = "Exists" }],
        });
        var placement = Placement.PinTo("node-7", [new V1Toleration { Key = "a", OperatorProperty = "Exists" }, new V1Toleration { Key = "dedicated", Value = "db", Effect = "NoSchedule" }]);

        var pod = TestSessions.Job(session, WorkerRole.Sources, placement: placement).Spec.Template.Spec;

        var terms = pod.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms;
        Assert.Equal(2, terms.Count);
        Assert.All(terms, t => Assert.Equal(("metadata.name", "In", "node-7"), (t.MatchFields.Single().Key, t.MatchFields.Single().OperatorProperty, t.MatchFields.Single().Values.Single())));
        Assert.Equal(["a", "dedicated"], pod.Tolerations.Select(t => t.Key));
        Assert.Null(pod.TopologySpreadConstraints);

        // The user's affinity object is not changed by building.
        Assert.Null(session.Spec.Workers!.Affinity!.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms[0].MatchFields);
    }

    [Theory]
    [InlineData(WorkerRole.Master)]
    [InlineData(WorkerRole.Sources)]
    [InlineData(WorkerRole.Destinations)]
    public void WithSessionPlacement_GivesThePodsARequiredAffinityToTheSessionsPodsOnTheirNode_ThatTheyMatchThemselves(WorkerRole role)
    {
        var session = TestSessions.New(configure: s => s.Workers = new V1Alpha1WorkerOptions
        {
            PodLabels = new Dictionary<string, string> { [SessionNames.LabelSession] = "spoofed", ["team"] = "storage" },
        });

        var template = TestSessions.Job(session, role, pass: 3, placement: Placement.WithSession).Spec.Template;

        var term = Assert.Single(template.Spec.Affinity.PodAffinity.RequiredDuringSchedulingIgnoredDuringExecution);
        Assert.Equal("kubernetes.io/hostname", term.TopologyKey);
        Assert.Equal(
            new Dictionary<string, string> { [SessionNames.LabelManagedBy] = SessionNames.ManagedBy, [SessionNames.LabelSession] = session.Metadata.Name },
            term.LabelSelector.MatchLabels);
        Assert.Null(term.LabelSelector.MatchExpressions);

        // The pod's own namespace, and every role and pass of the session: whichever of its pods still runs holds the claims.
        Assert.Equal((null, null), (term.Namespaces, term.NamespaceSelector));

        // The first pod of the group may go anywhere only because it matches its own term.
        Assert.All(term.LabelSelector.MatchLabels, l => Assert.Equal(l.Value, template.Metadata.Labels[l.Key]));
        Assert.Null(template.Spec.Affinity.NodeAffinity);
        Assert.Null(template.Spec.Affinity.PodAntiAffinity);
        Assert.Null(template.Spec.TopologySpreadConstraints);
        Assert.Null(template.Spec.Tolerations);
    }

    [Fact]
    public void WithSessionPlacement_AddsItsTermToTheUsersAffinity_WithoutChangingIt()
    {
        var antiAffinity = new V1PodAffinityTerm
        {
            TopologyKey = "kubernetes.io/hostname",
            LabelSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "busy" } },
        };
        var session = TestSessions.New(configure: s => s.Workers = new V1Alpha1WorkerOptions
        {
            Affinity = new V1Affinity
            {
                NodeAffinity = new V1NodeAffinity
                {
                    RequiredDuringSchedulingIgnoredDuringExecution = new V1NodeSelector
                    {
                        NodeSelectorTerms = [new V1NodeSelectorTerm { MatchExpressions = [new V1NodeSelectorRequirement { Key = "zone", OperatorProperty = "In", Values = ["a"] }] }],
                    },
                },
                PodAffinity = new V1PodAffinity
                {
                    PreferredDuringSchedulingIgnoredDuringExecution = [new V1WeightedPodAffinityTerm { Weight = 10, PodAffinityTerm = antiAffinity }],
                },
                PodAntiAffinity = new V1PodAntiAffinity { RequiredDuringSchedulingIgnoredDuringExecution = [antiAffinity] },
            },
        });

        var affinity = TestSessions.Job(session, WorkerRole.Sources, placement: Placement.WithSession).Spec.Template.Spec.Affinity;

        Assert.Equal("zone", Assert.Single(Assert.Single(affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms).MatchExpressions).Key);
        Assert.Equal(10, Assert.Single(affinity.PodAffinity.PreferredDuringSchedulingIgnoredDuringExecution).Weight);
        Assert.Equal(session.Metadata.Name, Assert.Single(affinity.PodAffinity.RequiredDuringSchedulingIgnoredDuringExecution).LabelSelector.MatchLabels[SessionNames.LabelSession]);
        Assert.Equal("busy", Assert.Single(affinity.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution).LabelSelector.MatchLabels["app"]);
        Assert.Null(session.Spec.Workers!.Affinity!.PodAffinity.RequiredDuringSchedulingIgnoredDuringExecution);
    }

    [Fact]
    public void SpreadPlacement_SpreadsWorkerPodsAcrossNodes()
    {
        var pod = TestSessions.Job(TestSessions.New(), WorkerRole.Destinations).Spec.Template.Spec;

        var spread = Assert.Single(pod.TopologySpreadConstraints);
        Assert.Equal(("kubernetes.io/hostname", 1, "ScheduleAnyway"), (spread.TopologyKey, spread.MaxSkew, spread.WhenUnsatisfiable));
        Assert.Equal("destination", spread.LabelSelector.MatchLabels[SessionNames.LabelRole]);
        Assert.Null(pod.Affinity);
        Assert.Null(TestSessions.Job(TestSessions.New(), WorkerRole.Master).Spec.Template.Spec.TopologySpreadConstraints);
    }
}
