{{- define "zksync-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The release's full name: at most 42 characters, so that "<full name>-zookeeper" stays within the 52 characters a
StatefulSet name may have (its pods' controller-revision-hash label adds 11) and "<full name>-zookeeper-headless" within 63. */}}
{{- define "zksync-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 42 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 42 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 42 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "zksync-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels every object carries; "component" distinguishes the operator's objects from ZooKeeper's. */}}
{{- define "zksync-operator.labels" -}}
helm.sh/chart: {{ include "zksync-operator.chart" .root }}
app.kubernetes.io/name: {{ include "zksync-operator.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/part-of: zksync
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
{{- with .root.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "zksync-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "zksync-operator.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "zksync-operator.serviceAccountName" -}}
{{- default (include "zksync-operator.fullname" .) .Values.serviceAccount.name }}
{{- end }}

{{- define "zksync-operator.workerServiceAccountName" -}}
{{- default (printf "%s-worker" (include "zksync-operator.fullname" .)) .Values.workers.serviceAccount.name }}
{{- end }}

{{/* The namespaces whose sessions the operator reconciles with namespaced RBAC: the release's first, no duplicates. */}}
{{- define "zksync-operator.watchedNamespaces" -}}
{{- $all := list .Release.Namespace }}
{{- range .Values.watchNamespaces }}
{{- $all = append $all . }}
{{- end }}
{{- $all | uniq | toJson }}
{{- end }}

{{/* An image reference: repository@digest when a digest is given, else repository:tag. */}}
{{- define "zksync-operator.imageRef" -}}
{{- if .image.digest }}
{{- printf "%s@%s" .image.repository .image.digest }}
{{- else }}
{{- printf "%s:%s" .image.repository (default .appVersion .image.tag | toString) }}
{{- end }}
{{- end }}

{{- define "zksync-operator.image" -}}
{{- include "zksync-operator.imageRef" (dict "image" .Values.image "appVersion" .Chart.AppVersion) }}
{{- end }}

{{/* ZooKeeper's objects. */}}
{{- define "zksync-operator.zookeeper.fullname" -}}
{{- printf "%s-zookeeper" (include "zksync-operator.fullname" .) }}
{{- end }}

{{- define "zksync-operator.zookeeper.headless" -}}
{{- printf "%s-zookeeper-headless" (include "zksync-operator.fullname" .) }}
{{- end }}

{{/* The bundled ensemble's members as the operator and the workers (any namespace) reach them. */}}
{{- define "zksync-operator.zookeeper.memberHost" -}}
{{- printf "%s-%d.%s.%s.svc.%s" (include "zksync-operator.zookeeper.fullname" .root) (int .index) (include "zksync-operator.zookeeper.headless" .root) .root.Release.Namespace .root.Values.clusterDomain }}
{{- end }}

{{/* The operator's default ensemble: the bundled members, or zookeeper.servers. */}}
{{- define "zksync-operator.zookeeper.servers" -}}
{{- if .Values.zookeeper.enabled }}
{{- $members := list }}
{{- range $i := until (int .Values.zookeeper.replicas) }}
{{- $members = append $members (printf "%s:2181" (include "zksync-operator.zookeeper.memberHost" (dict "root" $ "index" $i))) }}
{{- end }}
{{- join "," $members }}
{{- else }}
{{- .Values.zookeeper.servers }}
{{- end }}
{{- end }}

{{/* The Secret holding the operator's ZooKeeper admin password (key admin-password). */}}
{{- define "zksync-operator.zookeeper.authSecret" -}}
{{- default (printf "%s-zookeeper-auth" (include "zksync-operator.fullname" .)) .Values.zookeeper.auth.existingSecret }}
{{- end }}

{{/*
ZooKeeper's digest of "user:password" (DigestAuthenticationProvider.generateDigest): "user:" + base64(sha1(user:password)).
Sprig has sha1 only as hex, so the 40 hex digits are turned into base64 here: every 6 hex digits (24 bits) are 4
base64 digits; the last 4 hex digits (16 bits) are 3 digits and "=".
*/}}
{{- define "zksync-operator.zookeeper.digest" -}}
{{- $user := index . 0 }}
{{- $hex := sha1sum (printf "%s:%s" $user (index . 1)) }}
{{- $nibble := dict "0" 0 "1" 1 "2" 2 "3" 3 "4" 4 "5" 5 "6" 6 "7" 7 "8" 8 "9" 9 "a" 10 "b" 11 "c" 12 "d" 13 "e" 14 "f" 15 }}
{{- $b64 := "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/" }}
{{- $n := list }}
{{- range $i := until 40 }}
{{- $n = append $n (get $nibble (substr $i (add1 $i | int) $hex)) }}
{{- end }}
{{- $out := "" }}
{{- range $g := until 6 }}
{{- $o := mul $g 6 }}
{{- $digits := list
      (add (mul (index $n $o) 4) (div (index $n (add $o 1)) 4))
      (add (mul (mod (index $n (add $o 1)) 4) 16) (index $n (add $o 2)))
      (add (mul (index $n (add $o 3)) 4) (div (index $n (add $o 4)) 4))
      (add (mul (mod (index $n (add $o 4)) 4) 16) (index $n (add $o 5))) }}
{{- range $digits }}
{{- $out = printf "%s%s" $out (substr (int .) (add1 . | int) $b64) }}
{{- end }}
{{- end }}
{{- $last := list
      (add (mul (index $n 36) 4) (div (index $n 37) 4))
      (add (mul (mod (index $n 37) 4) 16) (index $n 38))
      (mul (index $n 39) 4) }}
{{- range $last }}
{{- $out = printf "%s%s" $out (substr (int .) (add1 . | int) $b64) }}
{{- end }}
{{- printf "%s:%s=" $user $out }}
{{- end }}

{{/* Refuses contradictory values with one clear line each. */}}
{{- define "zksync-operator.validate" -}}
{{- if and .Values.rbac.clusterWide .Values.watchNamespaces }}
{{- fail "watchNamespaces must be empty with rbac.clusterWide=true (the operator then watches every namespace)" }}
{{- end }}
{{- if and .Values.zookeeper.enabled .Values.zookeeper.servers }}
{{- fail "zookeeper.servers names an existing ensemble: set zookeeper.enabled=false to use it instead of the bundled one" }}
{{- end }}
{{- if and (not .Values.zookeeper.enabled) (not .Values.zookeeper.servers) }}
{{- fail "zookeeper.enabled=false needs zookeeper.servers (host:port,host:port of an existing ensemble)" }}
{{- end }}
{{- if and (not .Values.zookeeper.enabled) (not .Values.zookeeper.auth.existingSecret) (not .Values.zookeeper.auth.adminPassword) }}
{{- fail "an existing ZooKeeper (zookeeper.enabled=false) needs the operator's credentials: zookeeper.auth.existingSecret or zookeeper.auth.adminPassword" }}
{{- end }}
{{- if and .Values.metrics.serviceMonitor.enabled (not .Values.metrics.service.enabled) }}
{{- fail "metrics.serviceMonitor.enabled needs metrics.service.enabled" }}
{{- end }}
{{- if and .Values.zookeeper.enabled (le (int .Values.zookeeper.heapMegabytes) 0) }}
{{- fail "zookeeper.heapMegabytes must be positive" }}
{{- end }}
{{- end }}

{{/* The ports of zookeeper.servers (host:port,host:port, an optional /chroot at the end), as a JSON list. */}}
{{- define "zksync-operator.zookeeper.externalPorts" -}}
{{- $ports := list }}
{{- range splitList "," (regexReplaceAll "/.*$" .Values.zookeeper.servers "") }}
{{- $port := regexFind "[0-9]+$" (regexFind ":[0-9]+$" (trim .)) | default "2181" }}
{{- $ports = append $ports (int $port) }}
{{- end }}
{{- $ports | uniq | toJson }}
{{- end }}
