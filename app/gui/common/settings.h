#pragma once
// The studio's settings through one typed API: each key is declared once, here, with its default.

#include <QByteArray>
#include <QSettings>
#include <QString>
#include <QStringList>
#include <QVariant>

namespace fn {

template <typename T> struct SettingKey
{
    const char *name;
    T defaultValue;
};

namespace settings {

inline const SettingKey<QByteArray> windowGeometry{"window/geometry", {}};
inline const SettingKey<QByteArray> windowState{"window/state", {}};
inline const SettingKey<QString> lastProject{"project/last", {}};
inline const SettingKey<QStringList> recentProjects{"project/recent", {}}; // most recent first
inline const SettingKey<QString> lastFunction{"invoke/function", {}};
inline const SettingKey<QString> lastEvent{"invoke/event", {}};
inline const SettingKey<int> burstCount{"invoke/burstCount", 1};
inline const SettingKey<int> burstConcurrency{"invoke/burstConcurrency", 1};
inline const SettingKey<bool> followLogs{"logs/follow", true};
// The timeline draws idle gaps compressed (a cold start and warm invocations seconds apart fit).
inline const SettingKey<bool> timelineCollapseIdle{"timeline/collapseIdle", true};
// Run → Serve: where the Invoke API, the API Gateway and the S3 endpoint listen (0: a free port);
// 127.0.0.1 unless the user chose every interface in Run → Serve Settings….
inline const SettingKey<QString> serveHost{"serve/host", QStringLiteral("127.0.0.1")};
inline const SettingKey<int> serveInvokePort{"serve/invokePort", 3001};
inline const SettingKey<int> serveApiPort{"serve/apiPort", 3000};
inline const SettingKey<int> serveS3Port{"serve/s3Port", 3002};

template <typename T> T get(const SettingKey<T> &key)
{
    const QVariant v = QSettings().value(QLatin1StringView(key.name));
    return v.isValid() ? v.value<T>() : key.defaultValue;
}

template <typename T> void set(const SettingKey<T> &key, const T &value)
{
    // Writing syncs the file to disk when this QSettings goes (~10 ms each on a busy disk, on the GUI
    // thread): an unchanged value, such as the same function invoked again, is not written at all.
    QSettings settings;
    const QVariant v = QVariant::fromValue(value);
    if (settings.value(QLatin1StringView(key.name)) != v)
        settings.setValue(QLatin1StringView(key.name), v);
}

} // namespace settings
} // namespace fn
