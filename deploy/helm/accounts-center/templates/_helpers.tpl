{{/* Names, labels and the pieces every workload shares. */}}

{{- define "ac.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Selector labels of one component: (dict "root" $ "component" "gateway"). */}}
{{- define "ac.selectorLabels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "ac.labels" -}}
{{ include "ac.selectorLabels" . }}
app.kubernetes.io/part-of: accounts-center
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{/* The Secret holding INTERNAL_TOKEN, MONGODB_URI and REDIS_URL. */}}
{{- define "ac.secretName" -}}
{{- .Values.secrets.existingSecret | default (printf "%s-secrets" (include "ac.fullname" .)) -}}
{{- end -}}

{{- define "ac.signingKeySecretName" -}}
{{- .Values.signingKey.existingSecret | default (printf "%s-signing-key" (include "ac.fullname" .)) -}}
{{- end -}}

{{/* One subgraph's settings: subgraphDefaults overridden by its own entry. */}}
{{- define "ac.subgraph" -}}
{{- $own := index .root.Values.subgraphs .name | default dict -}}
{{- toYaml (mergeOverwrite (deepCopy .root.Values.subgraphDefaults) (deepCopy $own)) -}}
{{- end -}}

{{/* Base URL of subgraph `name` inside the cluster. */}}
{{- define "ac.subgraphURL" -}}
{{- $settings := include "ac.subgraph" . | fromYaml -}}
{{- printf "http://%s-%s:%v" (include "ac.fullname" .root) .name $settings.port -}}
{{- end -}}

{{/* A variable read from the chart's Secret. */}}
{{- define "ac.secretEnv" -}}
- name: {{ .key }}
  valueFrom:
    secretKeyRef:
      name: {{ include "ac.secretName" .root }}
      key: {{ .key }}
{{- end -}}

{{/* Probes on /health (liveness: the process answers) and /ready (readiness: it can serve). */}}
{{- define "ac.probes" -}}
startupProbe:
  httpGet: { path: /health, port: http }
  periodSeconds: 2
  failureThreshold: 60
livenessProbe:
  httpGet: { path: /health, port: http }
  periodSeconds: 10
  timeoutSeconds: 2
  failureThreshold: 3
readinessProbe:
  httpGet: { path: /ready, port: http }
  periodSeconds: 5
  timeoutSeconds: 2
  failureThreshold: 2
{{- end -}}

{{/* Spread replicas over nodes and zones when the cluster can. */}}
{{- define "ac.spread" -}}
topologySpreadConstraints:
  - maxSkew: 1
    topologyKey: kubernetes.io/hostname
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "ac.selectorLabels" . | nindent 8 }}
  - maxSkew: 1
    topologyKey: topology.kubernetes.io/zone
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "ac.selectorLabels" . | nindent 8 }}
{{- end -}}
