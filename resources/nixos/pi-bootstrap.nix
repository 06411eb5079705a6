# Consumes the first-boot files that Pi & Backup Companion writes into the image's ext4 root.
# Import it from the host's configuration: imports = [ ./pi-bootstrap.nix ];
#
# Why /var/lib and not /etc: on NixOS /etc is generated from the configuration at every activation, so files put there
# by hand can be replaced; /var/lib is state that survives rebuilds, and nothing regenerates it.
{ pkgs, ... }:
{
  # The injected key becomes the host key from the very first boot, so its fingerprint matches the one the app pinned.
  # (NixOS silently generates a new key if the file is missing or empty: the app's pinned-key check catches that.)
  services.openssh = {
    enable = true;
    hostKeys = [
      {
        path = "/var/lib/bootstrap/ssh_host_ed25519_key";
        type = "ed25519";
      }
    ];
  };

  # Wi-Fi from the injected environment file; the secrets never enter the Nix store.
  networking.networkmanager = {
    enable = true;
    ensureProfiles = {
      environmentFiles = [ "/var/lib/networkmanager/system-connections.env" ];
      profiles.bootstrap-wifi = {
        connection = {
          id = "bootstrap-wifi";
          type = "wifi";
          autoconnect = true;
        };
        wifi = {
          mode = "infrastructure";
          ssid = "$WIFI_SSID";
        };
        wifi-security = {
          key-mgmt = "wpa-psk";
          psk = "$WIFI_PSK";
        };
        ipv4.method = "auto";
        ipv6.method = "auto";
      };
    };
  };

  # A Pi provisioned without Wi-Fi (Ethernet) has no environment file: skip the profile unit instead of failing it
  # (nixpkgs reads environmentFiles with a plain EnvironmentFile=, which fails on a missing file).
  systemd.services.NetworkManager-ensure-profiles.unitConfig.ConditionPathExists =
    "/var/lib/networkmanager/system-connections.env";

  # The Wi-Fi regulatory domain, when the app wrote WIFI_COUNTRY (some 5 GHz channels need it).
  hardware.wirelessRegulatoryDatabase = true;
  systemd.services.bootstrap-wifi-country = {
    # Started when wlan0 appears (cfg80211 is loaded by then), and never waited for on a Pi without it.
    wantedBy = [ "sys-subsystem-net-devices-wlan0.device" ];
    after = [ "sys-subsystem-net-devices-wlan0.device" ];
    path = [ pkgs.iw ];
    serviceConfig = {
      Type = "oneshot";
      EnvironmentFile = "-/var/lib/networkmanager/system-connections.env";
    };
    script = ''
      # Best effort: a wrong code must not fail the boot; NetworkManager works without it on 2.4 GHz.
      if [ -n "''${WIFI_COUNTRY:-}" ]; then iw reg set "$WIFI_COUNTRY" || true; fi
    '';
  };
}
