/**
 * The controller manager: {@link dev.kapal.controllers.ControllerManager} runs the selected
 * controllers (named as kube-controller-manager names them) while this process holds the
 * {@code kube-system/kube-controller-manager} Lease. The runtime they share lives in
 * {@code runtime}; each controller has a package of its own.
 */
package dev.kapal.controllers;
