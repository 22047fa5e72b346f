/** The service account controller ({@code serviceaccount}): a {@code default} ServiceAccount in every active namespace. */
package dev.kapal.controllers.serviceaccount;
